/**
 * The ledger read model: every measure's events grouped by measure, an index
 * from subject to the measures that name it, and the record clock (which
 * position the ledger had reached at each record time). A query reads only
 * the measures of its subject, so its cost does not grow with the ledger.
 *
 * `evolve` mutates and returns the state it is given: the state belongs to one
 * fold, and copying a million-event model per event would make rebuilding
 * quadratic. No framework, no I/O, no clock.
 */
import type { ReadableFact, UnreadableFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { extendMeasure, resolveMeasure } from '../src/domain/resolve-measure.js';
import { comparePositions, positionText, type Position } from '../src/domain/position.js';
import { recordedFactOf, type LoggedEvent } from '../src/domain/recorded-fact.js';

interface MeasureEntry {
  /** The events that can be read, in record order: every reader may trust their payloads. */
  facts: ReadableFact[];
  /** Events that cannot be read (see src/domain/fact-reading.ts): kept out of `facts`, named in answers until retracted. */
  setAside?: UnreadableFact[];
  /** The measure resolved from its first `headLength` facts: extended by the facts since when asked (see `extendMeasure`). */
  head?: MeasureHistory;
  headLength?: number;
}

export interface LedgerReadModel {
  /** Position of the last event folded in; 0n for none. */
  position: bigint;
  eventCount: number;
  measures: Map<string, MeasureEntry>;
  /** subject → measure → the position of the first event of the measure that named the subject. */
  subjects: Map<string, Map<string, bigint>>;
  /**
   * The record clock: strictly increasing record times (ms), each with the
   * first and last position recorded at it. Plain numbers (exact below 2^53)
   * keep it at 24 bytes per distinct record time.
   */
  recordTimes: number[];
  firstPositions: number[];
  lastPositions: number[];
  lastRecordedAt?: string;
}

const MEASURE_STREAM = 'measure-';

/** The measure a measure stream's event belongs to (`measure-<id>`, as `streamOf` names it). */
export function measureIdOf(event: Pick<LoggedEvent, 'streamId'>): string {
  return event.streamId.slice(MEASURE_STREAM.length);
}

export function initialState(): LedgerReadModel {
  return {
    position: 0n,
    eventCount: 0,
    measures: new Map(),
    subjects: new Map(),
    recordTimes: [],
    firstPositions: [],
    lastPositions: [],
  };
}

export function evolve(model: LedgerReadModel, event: LoggedEvent): LedgerReadModel {
  if (event.position <= model.position) return model;
  model.position = event.position;
  model.eventCount++;
  // Events of one append share their record time: parse it once.
  const recordedMs =
    event.recordedAt === model.lastRecordedAt
      ? model.recordTimes[model.recordTimes.length - 1]!
      : Date.parse(event.recordedAt);
  model.lastRecordedAt = event.recordedAt;
  const position = Number(event.position);
  const last = model.recordTimes.length - 1;
  if (last >= 0 && recordedMs <= model.recordTimes[last]!) model.lastPositions[last] = position;
  else {
    model.recordTimes.push(recordedMs);
    model.firstPositions.push(position);
    model.lastPositions.push(position);
  }
  if (!event.streamId.startsWith(MEASURE_STREAM)) return model;
  const measureId = measureIdOf(event);
  let entry = model.measures.get(measureId);
  if (!entry) {
    entry = { facts: [] };
    model.measures.set(measureId, entry);
  }
  const fact = recordedFactOf(event, entry.facts, compact(event.data));
  if (fact.unreadable !== undefined) (entry.setAside ??= []).push(fact);
  else entry.facts.push(fact);
  for (const subject of subjectsNamedBy(event.data)) {
    let measures = model.subjects.get(subject);
    if (!measures) {
      measures = new Map();
      model.subjects.set(subject, measures);
    }
    if (!measures.has(measureId)) measures.set(measureId, event.position);
  }
  return model;
}

/** The last position recorded at or before a record time (0n before the first event). */
export function positionAsOf(model: LedgerReadModel, asOfMs: number): bigint {
  const index = lastIndexAtOrBelow(model.recordTimes, asOfMs);
  return index === -1 ? 0n : BigInt(model.lastPositions[index]!);
}

/** The record time of the newest event at or before a position, if any. */
export function recordTimeAt(model: LedgerReadModel, position: bigint): number | undefined {
  const index = lastIndexAtOrBelow(model.firstPositions, Number(position));
  return index === -1 ? undefined : model.recordTimes[index];
}

function lastIndexAtOrBelow(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** The measure as known at a position: its events recorded up to it, retractions and corrections applied. */
export function measureAsOf(
  model: LedgerReadModel,
  measureId: string,
  asOfPosition: bigint,
): MeasureHistory | undefined {
  const entry = model.measures.get(measureId);
  if (!entry) return undefined;
  const known = countUpTo(entry.facts, asOfPosition);
  if (known === 0) return undefined;
  // The head answers for as many facts as it was resolved from, whether or not more have been recorded since.
  if (entry.head && entry.headLength === known) return entry.head;
  if (known === entry.facts.length) {
    // A history is never changed once made (a paced query may still be reading the last one): extended, or resolved again.
    const extended = entry.head && extendMeasure(entry.head, entry.facts, entry.headLength!);
    entry.head = extended || resolveMeasure(measureId, entry.facts);
    entry.headLength = known;
    return entry.head;
  }
  return resolveMeasure(measureId, entry.facts.slice(0, known));
}

/** Whether the measure had named the subject by the given position. */
export function measureNamedSubjectBy(
  model: LedgerReadModel,
  subjectId: string,
  measureId: string,
  position: bigint,
): boolean {
  const firstNamed = model.subjects.get(subjectId)?.get(measureId);
  return firstNamed !== undefined && firstNamed <= position;
}

/** Whether any event recorded at or before a position named the subject (DOMAIN.md: `subjectKnown`). */
export function subjectKnown(model: LedgerReadModel, subjectId: string, asOfPosition: bigint): boolean {
  for (const firstNamed of model.subjects.get(subjectId)?.values() ?? []) if (firstNamed <= asOfPosition) return true;
  return false;
}

/** Measures whose events had named the subject by a position, as known at it. */
export function measuresOfSubject(model: LedgerReadModel, subjectId: string, asOfPosition: bigint): MeasureHistory[] {
  const histories: MeasureHistory[] = [];
  for (const [measureId, firstNamed] of model.subjects.get(subjectId) ?? []) {
    if (firstNamed > asOfPosition) continue;
    const history = measureAsOf(model, measureId, asOfPosition);
    if (history?.exists) histories.push(history);
  }
  return histories.length > 1 ? histories.sort((a, b) => (a.measureId < b.measureId ? -1 : 1)) : histories;
}

/** How many of a measure's facts (in position order) were recorded at or before a position. */
export function countUpTo(facts: readonly { position: Position }[], bound: Position): number {
  let low = 0;
  let high = facts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (comparePositions(facts[mid]!.position, bound) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A stored event set aside because it cannot be read. */
export interface SetAsideEvent {
  measureId: string;
  eventId: string;
  type: string;
  position: string;
  reason: string;
}

/**
 * The events of these measures recorded by a position that cannot be read
 * and are not retracted as of it: every answer about those measures names
 * them, since what it says leaves them out.
 */
export function setAsideEvents(
  model: LedgerReadModel,
  measureIds: Iterable<string>,
  asOfPosition: bigint,
): SetAsideEvent[] {
  const found: SetAsideEvent[] = [];
  for (const measureId of new Set(measureIds)) {
    const entry = model.measures.get(measureId);
    if (!entry?.setAside) continue;
    const known = entry.setAside.filter((f) => f.position <= asOfPosition);
    if (!known.length) continue;
    const retracted = measureAsOf(model, measureId, asOfPosition)?.retracted;
    for (const fact of known) {
      if (!retracted?.has(fact.eventId))
        found.push({
          measureId,
          eventId: fact.eventId,
          type: fact.type,
          position: positionText(fact.position),
          reason: fact.unreadable,
        });
    }
  }
  return found;
}

/** The measures whose events had named the subject by a position (readable or not). */
export function measureIdsOfSubject(model: LedgerReadModel, subjectId: string, asOfPosition: bigint): string[] {
  return [...(model.subjects.get(subjectId) ?? [])]
    .filter(([, firstNamed]) => firstNamed <= asOfPosition)
    .map(([measureId]) => measureId);
}

/**
 * The knowledge an answer about a subject or a measure is given for, with a
 * `notice` naming every stored event of its measures that the answer had to
 * leave out because it cannot be read (and `setAside`, the list).
 */
export function withSetAsideNotice<K extends { asOfPosition: bigint; notice?: string }>(
  model: LedgerReadModel,
  knowledge: K,
  about: { subjectId?: string; measureId?: string },
): K & { setAside?: SetAsideEvent[] } {
  const measureIds =
    about.subjectId !== undefined ? measureIdsOfSubject(model, about.subjectId, knowledge.asOfPosition) : [];
  if (about.measureId !== undefined) measureIds.push(about.measureId);
  const events = setAsideEvents(model, measureIds, knowledge.asOfPosition);
  if (!events.length) return knowledge;
  const named = events
    .map((e) => `event ${e.eventId} (${e.type} of measure ${e.measureId}, position ${e.position}): ${e.reason}`)
    .join('; ');
  const text = `this answer leaves out ${events.length === 1 ? 'a stored event that cannot be read' : `${events.length} stored events that cannot be read`}, until retracted: ${named}`;
  return { ...knowledge, notice: knowledge.notice ? `${knowledge.notice}; ${text}` : text, setAside: events };
}

/**
 * Provenance text (notes, source lists) stays in the log; answers cite events by id and citation.
 * Reads the payload as stored, before `recordedFactOf` checks it: hence the untyped record.
 */
function compact(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const record = data as Record<string, unknown>; // any stored object: only the fields named below are read
  if (record.note === undefined && record.sources === undefined && record.replacement === undefined) return data;
  const { note: _note, sources: _sources, ...rest } = record;
  if (rest.replacement) rest.replacement = compact(rest.replacement);
  return rest;
}

/** The subjects a stored payload names, readable or not (an unreadable event still names its subjects' measures). */
function subjectsNamedBy(data: unknown): string[] {
  const named: string[] = [];
  const collect = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>; // any stored object: only the fields named below are read
    for (const field of ['subjects', 'addSubjects', 'removeSubjects']) {
      const list: unknown = record[field];
      if (Array.isArray(list)) named.push(...list.filter((s): s is string => typeof s === 'string'));
    }
    collect(record.replacement);
  };
  collect(data);
  return named;
}
