/**
 * A subject's history replayed step by step: every event of every measure
 * that named the subject, with its provenance and the subject's state before
 * and after it, as a diff of what became (or stopped being) restricted,
 * exempt or pending.
 *
 * In record order a step is the knowledge an event added: the state at the
 * valid time it concerns, as known just before it and just after it. In
 * valid order a step is a change in force: the state just before and at the
 * instant it takes effect, as known at `asOfPosition`.
 */
import { CategorySet, type CategorySetJson } from '../src/domain/categories.js';
import type { RecordedFact } from '../src/domain/measure-history.js';
import { toMillis } from '../src/domain/time.js';
import type { LedgerReadModel } from './ledger-read-model.js';
import { subjectState, type SubjectState } from './subject-queries.js';

export type ReplayOrder = 'record' | 'valid';

export interface ReplayOptions {
  order: ReplayOrder;
  asOfPosition: bigint;
  /** Record order only: one valid time for every step, instead of each event's own. */
  at?: number;
  /** Bounds on record time (record order) or valid time (valid order), epoch ms, inclusive. */
  from?: number;
  to?: number;
}

export interface Snapshot {
  at: string;
  asOfPosition: string;
  restricted: CategorySetJson;
  exempt: CategorySetJson;
  /** `<measureId>/<announcementId or "imposition">`. */
  pending: string[];
}

export interface Changes {
  became: { restricted: CategorySetJson; exempt: CategorySetJson; pending: string[] };
  stopped: { restricted: CategorySetJson; exempt: CategorySetJson; pending: string[] };
}

export interface ReplayStep {
  position: string;
  recordedAt: string;
  eventId: string;
  type: string;
  measureId: string;
  /** The valid time this event concerns. */
  effectiveAt: string;
  citation?: string;
  before: Snapshot;
  after: Snapshot;
  changes: Changes;
  /** Nothing about the subject changed at this step. */
  unchanged: boolean;
}

export interface Replay {
  subjectId: string;
  order: ReplayOrder;
  asOfPosition: string;
  steps: ReplayStep[];
}

export function snapshotOf(state: SubjectState): Snapshot {
  const restricted = state.restricted.reduce((set, r) => set.union(CategorySet.fromJson({ include: r.categories, exclude: r.except })), CategorySet.EMPTY);
  const exempt = state.exemptions.reduce((set, e) => set.union(CategorySet.fromJson({ include: e.categories, exclude: e.except })), CategorySet.EMPTY);
  const pending = state.pending.map((p) => `${p.measureId}/${p.announcementId ?? 'imposition'}`).sort();
  return { at: state.at, asOfPosition: state.asOfPosition, restricted: restricted.toJSON(), exempt: exempt.toJSON(), pending };
}

export function changesBetween(before: Snapshot, after: Snapshot): Changes {
  const set = (json: CategorySetJson) => CategorySet.fromJson(json);
  const gained = (a: CategorySetJson, b: CategorySetJson) => set(b).difference(set(a)).toJSON();
  return {
    became: {
      restricted: gained(before.restricted, after.restricted),
      exempt: gained(before.exempt, after.exempt),
      pending: after.pending.filter((p) => !before.pending.includes(p)),
    },
    stopped: {
      restricted: gained(after.restricted, before.restricted),
      exempt: gained(after.exempt, before.exempt),
      pending: before.pending.filter((p) => !after.pending.includes(p)),
    },
  };
}

/** The valid time an event concerns: when it takes effect, or when what it retracts or corrects did. */
export function effectiveInstantOf(fact: RecordedFact, facts: RecordedFact[]): string {
  const data = fact.data as { effectiveFrom?: string; announcedAt?: string; withdrawnAt?: string; eventId?: string; replacement?: { effectiveFrom?: string } };
  const own = data.effectiveFrom ?? data.announcedAt ?? data.withdrawnAt;
  if (own) return own;
  if (data.eventId) {
    const target = facts.find((f) => f.eventId === data.eventId);
    const times = [data.replacement?.effectiveFrom, target ? effectiveInstantOf(target, facts) : undefined].filter((t): t is string => t !== undefined);
    if (times.length) return times.reduce((a, b) => (toMillis(a) <= toMillis(b) ? a : b));
  }
  return fact.recordedAt;
}

export function replaySubject(model: LedgerReadModel, subjectId: string, options: ReplayOptions): Replay {
  const facts: { fact: RecordedFact; measureId: string; effectiveMs: number; effectiveAt: string }[] = [];
  for (const measureId of model.subjects.get(subjectId)?.keys() ?? []) {
    const measureFacts = model.measures.get(measureId)?.facts ?? [];
    for (const fact of measureFacts) {
      if (BigInt(fact.position) > options.asOfPosition) continue;
      const effectiveAt = effectiveInstantOf(fact, measureFacts);
      facts.push({ fact, measureId, effectiveAt, effectiveMs: toMillis(effectiveAt) });
    }
  }
  const byPosition = (a: (typeof facts)[number], b: (typeof facts)[number]) => (BigInt(a.fact.position) < BigInt(b.fact.position) ? -1 : 1);
  facts.sort(options.order === 'valid' ? (a, b) => a.effectiveMs - b.effectiveMs || byPosition(a, b) : byPosition);

  const steps: ReplayStep[] = [];
  for (const { fact, measureId, effectiveMs } of facts) {
    const bound = options.order === 'valid' ? effectiveMs : Date.parse(fact.recordedAt);
    if ((options.from !== undefined && bound < options.from) || (options.to !== undefined && bound > options.to)) continue;
    const position = BigInt(fact.position);
    const [beforeK, afterK] =
      options.order === 'valid'
        ? [{ at: effectiveMs - 1, asOfPosition: options.asOfPosition }, { at: effectiveMs, asOfPosition: options.asOfPosition }]
        : [{ at: options.at ?? effectiveMs, asOfPosition: position - 1n }, { at: options.at ?? effectiveMs, asOfPosition: position }];
    const before = snapshotOf(subjectState(model, subjectId, beforeK));
    const after = snapshotOf(subjectState(model, subjectId, afterK));
    const changes = changesBetween(before, after);
    const data = fact.data as { citation?: string };
    steps.push({
      position: fact.position,
      recordedAt: fact.recordedAt,
      eventId: fact.eventId,
      type: fact.type,
      measureId,
      effectiveAt: new Date(effectiveMs).toISOString(),
      ...(data.citation ? { citation: data.citation } : {}),
      before,
      after,
      changes,
      unchanged: isEmpty(changes),
    });
  }
  return { subjectId, order: options.order, asOfPosition: options.asOfPosition.toString(), steps };
}

function isEmpty(changes: Changes): boolean {
  const none = (side: Changes['became']) => !side.restricted.include.length && !side.exempt.include.length && !side.pending.length;
  return none(changes.became) && none(changes.stopped);
}
