/**
 * Listings of the subjects and measures the ledger knows, by id, for finding
 * one to ask about: paged by id (`after` is the last id of the previous page),
 * narrowed by an id prefix. A subject's events are those of the measures that
 * named it, from the first that did (the events its replay steps through).
 * No framework, no I/O.
 */
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';
import type { RecordedFact } from '../src/domain/facts.js';
import { comparePositions, positionText } from '../src/domain/position.js';

export interface RecordStamp {
  position: string;
  recordedAt: string;
}

export interface SubjectListing {
  subjectId: string;
  /** The measures that name it, with their titles as known now (null: the measure's imposition is not readable or retracted). */
  measures: { measureId: string; title: string | null }[];
  events: number;
  firstRecord: RecordStamp;
  lastRecord: RecordStamp;
}

export interface MeasureListing {
  measureId: string;
  title: string | null;
  /** How many subjects its events have ever named. */
  subjects: number;
  events: number;
  firstRecord: RecordStamp;
  lastRecord: RecordStamp;
}

export interface Page<T> {
  items: T[];
  /** The `after` of the next page; null on the last. */
  next: string | null;
}

export interface ListingQuery {
  prefix?: string;
  after?: string;
  limit: number;
}

/** Sorted ids, kept per model and position: a listing does not sort the whole ledger each time. */
const sortedIds = new WeakMap<
  LedgerReadModel,
  { position: bigint; subjects?: string[]; measures?: string[]; subjectCounts?: Map<string, number> }
>();

function cacheOf(model: LedgerReadModel) {
  let cached = sortedIds.get(model);
  if (!cached || cached.position !== model.position) {
    cached = { position: model.position };
    sortedIds.set(model, cached);
  }
  return cached;
}

function idsOf(model: LedgerReadModel, kind: 'subjects' | 'measures'): string[] {
  const cached = cacheOf(model);
  return (cached[kind] ??= [...model[kind].keys()].sort());
}

/** How many subjects each measure has ever named. */
function subjectCounts(model: LedgerReadModel): Map<string, number> {
  const cached = cacheOf(model);
  if (!cached.subjectCounts) {
    const counts = new Map<string, number>();
    for (const measures of model.subjects.values())
      for (const measureId of measures.keys()) counts.set(measureId, (counts.get(measureId) ?? 0) + 1);
    cached.subjectCounts = counts;
  }
  return cached.subjectCounts;
}

/** One page of ids in order, after `after`, starting with `prefix`. */
function pageOfIds(ids: string[], query: ListingQuery): { ids: string[]; more: boolean } {
  const prefix = query.prefix ?? '';
  const start = query.after !== undefined && query.after > prefix ? query.after : prefix;
  let index = lowerBound(ids, start);
  if (query.after !== undefined && ids[index] === query.after) index++;
  const found: string[] = [];
  for (; index < ids.length && ids[index]!.startsWith(prefix); index++) {
    if (found.length === query.limit) return { ids: found, more: true };
    found.push(ids[index]!);
  }
  return { ids: found, more: false };
}

function lowerBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function stamp(fact: RecordedFact): RecordStamp {
  return { position: positionText(fact.position), recordedAt: fact.recordedAt };
}

/** Every fact of a measure, readable or set aside, in position order. */
function allFacts(model: LedgerReadModel, measureId: string): RecordedFact[] {
  const entry = model.measures.get(measureId);
  if (!entry) return [];
  if (!entry.setAside?.length) return entry.facts;
  return [...entry.facts, ...entry.setAside].sort((a, b) => comparePositions(a.position, b.position));
}

function titleOf(model: LedgerReadModel, measureId: string): string | null {
  return measureAsOf(model, measureId, model.position)?.imposition?.title ?? null;
}

export function listSubjects(model: LedgerReadModel, query: ListingQuery): Page<SubjectListing> {
  const { ids, more } = pageOfIds(idsOf(model, 'subjects'), query);
  const items = ids.map((subjectId): SubjectListing => {
    let events = 0;
    let first: RecordedFact | undefined;
    let last: RecordedFact | undefined;
    const measures: SubjectListing['measures'] = [];
    for (const [measureId, firstNamed] of model.subjects.get(subjectId)!) {
      measures.push({ measureId, title: titleOf(model, measureId) });
      const facts = allFacts(model, measureId).filter((f) => f.position >= firstNamed);
      events += facts.length;
      if (facts.length && (!first || comparePositions(facts[0]!.position, first.position) < 0)) first = facts[0];
      if (facts.length && (!last || comparePositions(facts.at(-1)!.position, last.position) > 0)) last = facts.at(-1);
    }
    measures.sort((a, b) => (a.measureId < b.measureId ? -1 : 1));
    return { subjectId, measures, events, firstRecord: stamp(first!), lastRecord: stamp(last!) };
  });
  return { items, next: more ? ids.at(-1)! : null };
}

export function listMeasures(model: LedgerReadModel, query: ListingQuery): Page<MeasureListing> {
  const { ids, more } = pageOfIds(idsOf(model, 'measures'), query);
  const items = ids.map((measureId): MeasureListing => {
    const facts = allFacts(model, measureId);
    return {
      measureId,
      title: titleOf(model, measureId),
      subjects: subjectCounts(model).get(measureId) ?? 0,
      events: facts.length,
      firstRecord: stamp(facts[0]!),
      lastRecord: stamp(facts.at(-1)!),
    };
  });
  return { items, next: more ? ids.at(-1)! : null };
}
