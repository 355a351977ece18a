/**
 * The feed of effective-state transitions (projections/effective-changes.ts),
 * in one total order: by time, records before instants at the same time, then
 * position, then subject. A message's id is its key, so a client resuming with
 * it gets exactly the transitions after it, live or replayed (a record past
 * the key's position always comes after it: see `comesAfter`).
 */
import {
  transitionsAtInstant,
  transitionsOnRecord,
  type EffectiveTransition,
  type SubjectOutcome,
} from '../../projections/effective-changes.js';
import { measureIdOf, positionAsOf, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import type { ReadModelService } from '../queries/read-model.service.js';
import type { LedgerClock } from '../clock.js';
import { logAfter } from './log-pages.js';
import { DEFAULT_SLICE_MS, pace } from '../pacer.js';
import { storedProvenance } from '../domain/fact-reading.js';
import { sharedJson } from './shared-json.js';

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

/** After every subject: ids are lowercase ASCII, all of which sort before `~`. */
const ALL_SUBJECTS = '~';

/**
 * Where a feed "from now" starts: after every record up to the model's
 * position and every instant before `now`. A record after that position comes
 * after it whatever its record time within the same millisecond (records sort
 * by position), and so does an instant at the key's time itself. The time is
 * never before the last record folded, so no record already known sorts after it.
 */
export function nowKeyId(model: LedgerReadModel, now: number): string {
  const lastRecorded = model.recordTimes.at(-1) ?? now;
  return keyId({ time: Math.max(now, lastRecorded), kind: RECORD, position: model.position, subject: ALL_SUBJECTS });
}

/**
 * Reads an id as the server writes them (keyId): numbers in decimal without
 * leading zeros (`00-0-0-~` would be a second spelling of `0-0-0-~`), then a
 * subject id or `~` (every subject). An instant cursor may name no subject:
 * before every subject of its instant, as the start (`0-1-0-`) is. A record
 * cursor always names one: no record is ever sent as of no subject.
 */
export function parseKeyId(id: string): EffectiveKey {
  const match =
    /^(0|[1-9]\d{0,15})-(?:(0)-(0|[1-9]\d{0,29})-([a-z0-9][a-z0-9._-]{0,127}|~)|(1)-(0|[1-9]\d{0,29})-([a-z0-9][a-z0-9._-]{0,127}|~)?)$/.exec(
      id,
    );
  if (!match) {
    throw new LedgerError('bad-input', `not a resume id of the effective feed: ${id}`, [
      {
        field: 'after',
        rule: 'isResumeId',
        message:
          'a resume id is <time>-<kind>-<position>-<subject>, as sent in the id: field (numbers without leading zeros; a subject id or ~, or for kind 1 none)',
        value: id,
      },
    ]);
  }
  const [, time, recordKind, recordPosition, recordSubject, instantKind, instantPosition, instantSubject] = match;
  return {
    time: Number(time),
    kind: Number(recordKind ?? instantKind) as 0 | 1,
    position: BigInt((recordPosition ?? instantPosition)!),
    subject: recordSubject ?? instantSubject ?? '',
  };
}

function compare(a: EffectiveKey, b: EffectiveKey): number {
  return (
    a.time - b.time ||
    a.kind - b.kind ||
    (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)
  );
}

/**
 * Whether a transition is after the cursor. A record read from the log past
 * the cursor's position always is: every record sent before a cursor stands
 * at or before its position, and a cursor can name a time later than records
 * it had not seen (a "from now" taken while the read model lagged the log, an
 * `evaluated` id written while waiting), which the order by time alone would
 * skip.
 */
function comesAfter(key: EffectiveKey, cursor: EffectiveKey): boolean {
  if (key.kind === RECORD && key.position > cursor.position) return true;
  return compare(key, cursor) > 0;
}

/**
 * A transition's JSON, as JSON.stringify gives it. Its sets and causes are
 * shared by every subject and client told the same change (a set's answer is
 * made once: CategorySet.toAnswer), and are serialised once.
 */
export function transitionJson(t: EffectiveTransition): string {
  const text = JSON.stringify;
  return `{"id":${text(t.id)},"subjectId":${text(t.subjectId)},"at":${text(t.at)},"asOfPosition":${text(t.asOfPosition)},"became":${sharedJson(t.became)},"restricted":${sharedJson(t.restricted)},"causes":${sharedJson(t.causes)}}`;
}

export interface EffectiveFeedOptions {
  /** Resume after this id; undefined: from now. */
  after?: string;
  subjects?: string[];
  signal: AbortSignal;
  /** How long the feeds compute before letting the event loop run (ms; see pacer.ts). */
  sliceMs?: number;
  /**
   * Told, each time the feed waits, how to say how far it has evaluated: an
   * id as `evaluatedId` makes, as of when it is asked (waiting with no instant
   * ahead, the feed has evaluated up to the clock, which moves on).
   */
  onEvaluated?: (through: () => string) => void;
}

/**
 * How far a feed has evaluated, shaped as a resume id: as far as the records
 * up to `position` tell, every transition up to `time` has been sent. The
 * time is the clock's, or, when the feed waits for an instant, the
 * millisecond before it. Records after `position` may still bring more, at
 * any time (so a later id may name an earlier time).
 */
export function evaluatedId(time: number, position: bigint): string {
  return keyId({ time, kind: INSTANT, position, subject: ALL_SUBJECTS });
}

export async function* effectiveTransitions(
  store: EventStore,
  readModel: ReadModelService,
  clock: LedgerClock,
  options: EffectiveFeedOptions,
): AsyncGenerator<EffectiveTransition> {
  const { signal, subjects } = options;
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  let model = await readModel.current();
  let cursor: EffectiveKey = options.after ? parseKeyId(options.after) : parseKeyId(nowKeyId(model, clock.now()));
  // The instants of the records up to the cursor are owed from its time on: the model must hold them (a resume on an
  // instance whose read model lags the one that sent the id).
  if (cursor.position > model.position) model = await readModel.reach(cursor.position);
  // Records after the cursor: a record cursor may still owe later subjects of its own record (never from before 0:
  // reading from -1 finds the log empty and the model beyond it, at once, forever).
  const recordsFrom =
    cursor.kind === RECORD && cursor.subject !== ALL_SUBJECTS && cursor.position > 0n
      ? cursor.position - 1n
      : cursor.position;
  const events = logAfter(store, readModel, recordsFrom, signal);
  // Instants up to here have been evaluated. An instant cursor naming a subject owes the rest of its instant, as known
  // at its position (see below); one naming every subject (an evaluated id) has done its instant; a record cursor's
  // instant, and that of the start (`0-1-0-`, no subject), are still to come.
  let instantsDone = cursor.kind === INSTANT && cursor.subject !== '' ? cursor.time : cursor.time - 1;
  let processedPosition = recordsFrom;

  /** Sends the transitions of one key, subject by subject; stops as soon as the client has left. */
  async function* emit(
    key: Omit<EffectiveKey, 'subject'>,
    outcomes: Iterable<SubjectOutcome>,
  ): AsyncGenerator<EffectiveTransition> {
    for (const outcome of outcomes) {
      if (outcome) {
        const full: EffectiveKey = { ...key, subject: outcome.subjectId };
        if (comesAfter(full, cursor)) {
          cursor = full;
          yield { ...outcome, id: keyId(full) };
        }
      }
      await pace(sliceMs);
      if (signal.aborted) return;
    }
  }

  /**
   * Instants after those done, up to `upTo`, each evaluated as known at that
   * instant, but only once every event recorded by then has been processed:
   * at equal times records come first. Answers whether it got to `upTo`.
   */
  async function* instantsUpTo(upTo: number): AsyncGenerator<EffectiveTransition, boolean> {
    for (
      let instant = readModel.instants.next(instantsDone);
      instant !== undefined && instant <= upTo;
      instant = readModel.instants.next(instantsDone)
    ) {
      model = await readModel.reach(await store.headPosition());
      const known = positionAsOf(model, instant);
      if (known > processedPosition) return false;
      yield* emit(
        { time: instant, kind: INSTANT, position: known },
        transitionsAtInstant(model, instant, readModel.instants.measuresAt(instant), known, subjects),
      );
      if (signal.aborted) return false;
      instantsDone = instant;
    }
    instantsDone = Math.max(instantsDone, upTo);
    return true;
  }

  try {
    // The rest of the cursor's instant, as known where the client stood: records read since (recorded at or before
    // it, the model having folded them later) are taken in after it, rather than the instant told again as known
    // with them, repeating what the client had.
    if (cursor.kind === INSTANT && cursor.subject !== ALL_SUBJECTS && cursor.subject !== '') {
      yield* emit(
        { time: cursor.time, kind: INSTANT, position: cursor.position },
        transitionsAtInstant(model, cursor.time, readModel.instants.measuresAt(cursor.time), cursor.position, subjects),
      );
    }
    let pending: Promise<IteratorResult<StoredEvent>> | undefined;
    let recordsOwed = false;
    while (!signal.aborted) {
      pending ??= events.next();
      const now = clock.now();
      const nextInstant = readModel.instants.next(instantsDone);
      // A due instant goes first unless events recorded before it are still to come.
      if (!recordsOwed && nextInstant !== undefined && nextInstant <= now) {
        recordsOwed = !(yield* instantsUpTo(nextInstant));
        continue;
      }
      // It waits, for a record or the next instant: every instant before that one is done, and every record read.
      const evaluated = processedPosition;
      // Said only once it has read every record the server holds (a client waiting for it is caught up), and never
      // naming a time past the clock: a record still to come can bring a change at any time from now on.
      if (evaluated >= readModel.position)
        options.onEvaluated?.(() =>
          evaluatedId(nextInstant === undefined ? clock.now() : Math.min(clock.now(), nextInstant - 1), evaluated),
        );
      const wake = new AbortController();
      const timer =
        recordsOwed || nextInstant === undefined
          ? new Promise<'time'>(() => {})
          : clock.sleepUntil(nextInstant, wake.signal).then(() => 'time' as const);
      const result = await Promise.race([pending.then((r) => ({ r })), timer]);
      wake.abort();
      if (result === 'time') continue;
      pending = undefined;
      recordsOwed = false;
      if (result.r.done) {
        // No more will come (the read model stopped): what fell due meanwhile is still owed.
        if (!signal.aborted) yield* instantsUpTo(clock.now());
        return;
      }
      const event = result.r.value;
      const recordedMs = Date.parse(event.recordedAt);
      // Instants before this record come first; at equal times, records come first.
      yield* instantsUpTo(Math.min(recordedMs - 1, clock.now()));
      if (signal.aborted) break;
      model = await readModel.reach(event.position);
      processedPosition = event.position;
      // A record read after instants past its time were evaluated is taken in just after them (see RecordedChange).
      const atMs = Math.max(recordedMs, instantsDone + 1);
      if (event.streamId.startsWith('measure-')) {
        const { citation } = storedProvenance(event.data);
        const cause = {
          eventId: event.eventId,
          type: event.type as never,
          position: event.position.toString(),
          recordedAt: event.recordedAt,
          ...(citation ? { citation } : {}),
        };
        const change = {
          measureId: measureIdOf(event),
          type: event.type,
          data: event.data,
          position: event.position,
          atMs,
          cause,
        };
        yield* emit(
          { time: atMs, kind: RECORD, position: event.position },
          transitionsOnRecord(model, change, subjects),
        );
      }
      await pace(sliceMs);
    }
  } finally {
    // Not awaited: a read in flight finishes on its own and is dropped.
    void events.return(undefined).catch(() => {});
  }
}
