/**
 * The report an auditor takes away: a subject's state at a valid time as
 * known at a record time, every basis event with its citation, sources and
 * provenance, the subject's timeline, and the digest of the whole log with an
 * inclusion proof for every basis event, so the report can be checked
 * against the ledger without trusting whoever handed it over.
 */
import type { LedgerReadModel } from '../../projections/ledger-read-model.js';
import { subjectState, subjectTimeline, type SubjectState, type SubjectTimeline } from '../../projections/subject-queries.js';
import { streamOf } from '../domain/messages.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { leafOf, type Digest, type LogIntegrity } from '../integrity/log-integrity.js';
import type { ResolvedKnowledge } from '../queries/knowledge.js';

export interface ReportBasisEvent {
  eventId: string;
  type: string;
  measureId: string;
  position: string;
  recordedAt: string;
  citation?: string;
  sources?: { title?: string; url?: string; publishedAt?: string }[];
  note?: string;
  actor?: string;
  proof: { leafIndex: number; treeSize: number; leaf: ReturnType<typeof leafOf>; auditPath: string[] };
}

export interface SubjectReport {
  subjectId: string;
  generatedAt: string;
  at: string;
  asOf: string;
  asOfPosition: string;
  notice?: string;
  state: SubjectState;
  basis: ReportBasisEvent[];
  timeline: SubjectTimeline;
  digest: Digest;
}

export async function buildReport(
  model: LedgerReadModel,
  store: EventStore,
  integrity: LogIntegrity,
  subjectId: string,
  knowledge: ResolvedKnowledge,
  now: Date,
): Promise<SubjectReport> {
  const state = subjectState(model, subjectId, knowledge);
  const entries = [...state.restricted, ...state.exemptions, ...state.pending].flatMap((element) => element.basis.map((b) => ({ ...b, measureId: element.measureId })));
  const unique = [...new Map(entries.map((e) => [e.eventId, e])).values()].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  const stored = new Map<string, StoredEvent>();
  for (const measureId of new Set(unique.map((e) => e.measureId))) {
    for (const event of await store.readStream(streamOf(measureId))) stored.set(event.eventId, event);
  }
  const digest = integrity.digest();
  const basis = unique.map((entry): ReportBasisEvent => {
    const event = stored.get(entry.eventId)!;
    const data = event.data as { citation?: string; sources?: ReportBasisEvent['sources']; note?: string };
    const leafIndex = integrity.indexOf(entry.eventId)!;
    return {
      eventId: entry.eventId,
      type: entry.type,
      measureId: entry.measureId,
      position: entry.position,
      recordedAt: entry.recordedAt,
      ...(data.citation ? { citation: data.citation } : {}),
      ...(data.sources ? { sources: data.sources } : {}),
      ...(data.note ? { note: data.note } : {}),
      ...(typeof event.metadata.actor === 'string' ? { actor: event.metadata.actor } : {}),
      proof: { leafIndex, treeSize: digest.treeSize, leaf: leafOf(event), auditPath: integrity.tree.inclusionProof(leafIndex, digest.treeSize).map((h) => h.toString('hex')) },
    };
  });
  return {
    subjectId,
    generatedAt: now.toISOString(),
    at: new Date(knowledge.at).toISOString(),
    asOf: knowledge.asOf,
    asOfPosition: knowledge.asOfPosition.toString(),
    ...(knowledge.notice ? { notice: knowledge.notice } : {}),
    state,
    basis,
    timeline: subjectTimeline(model, subjectId, knowledge.asOfPosition),
    digest,
  };
}
