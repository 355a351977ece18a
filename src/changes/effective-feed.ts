/**
 * The feed of effective-state transitions (projections/effective-changes.ts),
 * in one total order: by time, records before instants at the same time, then
 * position, then subject. A message's id is its key, so a client resuming with
 * it gets exactly the transitions after it, live or replayed.
 */
import { instantsNamedBy, transitionsAtInstant, transitionsOnRecord, type EffectiveTransition } from '../../projections/effective-changes.js';
import { measureIdOf } from '../../projections/ledger-changes.js';
import { positionAsOf, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import type { ReadModelService } from '../queries/read-model.service.js';
import type { LedgerClock } from './clock.js';

const RECORD = 0;
const INSTANT = 1;

/** Where a feed stands: everything up to and including this key was delivered. */
export interface EffectiveKey {
  time: number;
  kind: typeof RECORD | typeof INSTANT;
  position: bigint;
  subject: string;
}

export function keyId(key: EffectiveKey): string {
  return `${key.time}-${key.kind}-${key.position}-${key.subject}`;
}

export function parseKeyId(id: string): EffectiveKey {
  const match = /^(\d{1,16})-([01])-(\d{1,30})-([a-z0-9][a-z0-9._-]{0,127})?$/.exec(id);
  if (!match) {
    throw new LedgerError('bad-input', `not a resume id of the effective feed: ${id}`, [
      { field: 'after', rule: 'isResumeId', message: 'a resume id is <time>-<kind>-<position>-<subject>, as sent in the id: field', value: id },
    ]);
  }
  return { time: Number(match[1]), kind: Number(match[2]) as 0 | 1, position: BigInt(match[3]!), subject: match[4] ?? '' };
}

function compare(a: EffectiveKey, b: EffectiveKey): number {
  return a.time - b.time || a.kind - b.kind || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0);
}

/** Instants at which facts take effect or end, each with the measures concerned. */
class InstantIndex {
  private readonly measures = new Map<number, Set<string>>();
  private sorted: number[] = [];

  add(instant: number, measureId: string): void {
    let set = this.measures.get(instant);
    if (!set) {
      set = new Set();
      this.measures.set(instant, set);
      let low = 0;
      let high = this.sorted.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (this.sorted[mid]! < instant) low = mid + 1;
        else high = mid;
      }
      this.sorted.splice(low, 0, instant);
    }
    set.add(measureId);
  }

  /** Instants in (after, upTo], ascending. */
  between(after: number, upTo: number): number[] {
    return this.sorted.filter((t) => t > after && t <= upTo);
  }

  next(after: number): number | undefined {
    return this.sorted.find((t) => t > after);
  }

  measuresAt(instant: number): Set<string> {
    return this.measures.get(instant) ?? new Set();
  }
}

function indexModel(model: LedgerReadModel): InstantIndex {
  const index = new InstantIndex();
  for (const [measureId, entry] of model.measures) {
    for (const fact of entry.facts) for (const instant of instantsNamedBy(fact.data)) index.add(instant, measureId);
  }
  return index;
}

export interface EffectiveFeedOptions {
  /** Resume after this id; undefined: from now. */
  after?: string;
  subjects?: string[];
  signal: AbortSignal;
}

export async function* effectiveTransitions(
  store: EventStore,
  readModel: ReadModelService,
  clock: LedgerClock,
  options: EffectiveFeedOptions,
): AsyncGenerator<EffectiveTransition> {
  let model = await readModel.current();
  let cursor: EffectiveKey = options.after
    ? parseKeyId(options.after)
    : { time: clock.now(), kind: INSTANT, position: model.position, subject: '\uffff' };
  const index = indexModel(model);
  // Records after the cursor: a record cursor may still owe later subjects of its own record.
  const recordsFrom = cursor.kind === RECORD ? cursor.position - 1n : cursor.position;
  const subscription = store.subscribeToAll({ after: recordsFrom });
  const stop = () => void subscription.close();
  options.signal.addEventListener('abort', stop, { once: true });
  const events = subscription[Symbol.asyncIterator]();
  // Instants up to here have been evaluated; the cursor's own instant may still owe later subjects.
  let instantsDone = cursor.time - 1;

  const emit = function* (key: Omit<EffectiveKey, 'subject'>, transitions: EffectiveTransition[]) {
    for (const transition of transitions) {
      const full: EffectiveKey = { ...key, subject: transition.subjectId };
      if (compare(full, cursor) <= 0) continue;
      cursor = full;
      yield { ...transition, id: keyId(full) };
    }
  };

  let processedPosition = recordsFrom;

  /**
   * Instants after those done, up to `upTo`, each evaluated as known at that
   * instant, but only once every event recorded by then has been processed:
   * at equal times records come first. Answers whether it got to `upTo`.
   */
  async function* instantsUpTo(upTo: number): AsyncGenerator<EffectiveTransition, boolean> {
    for (const instant of index.between(instantsDone, upTo)) {
      model = await readModel.reach(await store.headPosition());
      const known = positionAsOf(model, instant);
      if (known > processedPosition) return false;
      yield* emit({ time: instant, kind: INSTANT, position: known }, transitionsAtInstant(model, instant, index.measuresAt(instant), known, options.subjects));
      instantsDone = instant;
    }
    instantsDone = Math.max(instantsDone, upTo);
    return true;
  }

  try {
    let pending: Promise<IteratorResult<StoredEvent>> | undefined;
    let recordsOwed = false;
    while (!options.signal.aborted) {
      pending ??= events.next();
      const nextInstant = index.next(instantsDone);
      // A due instant goes first unless events recorded before it are still to come.
      if (!recordsOwed && nextInstant !== undefined && nextInstant <= clock.now()) {
        recordsOwed = !(yield* instantsUpTo(nextInstant));
        continue;
      }
      const wake = new AbortController();
      const timer = recordsOwed || nextInstant === undefined ? new Promise<'time'>(() => {}) : clock.sleepUntil(nextInstant, wake.signal).then(() => 'time' as const);
      const result = await Promise.race([pending.then((r) => ({ r })), timer]);
      wake.abort();
      if (result === 'time') continue;
      pending = undefined;
      recordsOwed = false;
      if (result.r.done) return;
      const event = result.r.value;
      const recordedMs = Date.parse(event.recordedAt);
      // Instants before this record come first; at equal times, records come first.
      yield* instantsUpTo(Math.min(recordedMs - 1, clock.now()));
      model = await readModel.reach(event.position);
      processedPosition = event.position;
      if (!event.streamId.startsWith('measure-')) continue;
      const measureId = measureIdOf(event);
      for (const instant of instantsNamedBy(event.data)) index.add(instant, measureId);
      const cause = { eventId: event.eventId, type: event.type as never, position: event.position.toString(), recordedAt: event.recordedAt, ...((event.data as { citation?: string }).citation ? { citation: (event.data as { citation: string }).citation } : {}) };
      yield* emit({ time: recordedMs, kind: RECORD, position: event.position }, transitionsOnRecord(model, measureId, event.position, recordedMs, cause, options.subjects));
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
    await subscription.close();
  }
}
