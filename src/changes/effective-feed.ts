/**
 * The feed of effective-state transitions (projections/effective-changes.ts),
 * in one total order: by time, records before instants at the same time, then
 * position, then subject (effective-keys.ts). A message's id is its key, so a
 * client resuming with it gets exactly the transitions after it, live or
 * replayed (a record past the key's position always comes after it: see
 * `comesAfter`).
 */
import {
  transitionsAtInstant,
  transitionsOnRecord,
  type EffectiveTransition,
  type SubjectOutcome,
} from '../../projections/effective-changes.js';
import { measureIdOf, positionAsOf } from '../../projections/ledger-read-model.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import type { ReadModelService } from '../queries/read-model.service.js';
import type { LedgerClock } from '../clock.js';
import { logAfter } from './log-pages.js';
import { DEFAULT_SLICE_MS, pace } from '../pacer.js';
import { storedProvenance } from '../domain/fact-reading.js';
import { sharedJson } from './shared-json.js';
import {
  ALL_SUBJECTS,
  comesAfter,
  evaluatedId,
  INSTANT,
  keyId,
  nowKeyId,
  parseKeyId,
  RECORD,
  type EffectiveKey,
} from './effective-keys.js';

export { evaluatedId, keyId, nowKeyId, parseKeyId, type EffectiveKey } from './effective-keys.js';

/** Each transition's JSON, made once for every client told it (see `sharedTransition`). */
const jsonOf = new WeakMap<EffectiveTransition, string>();

/**
 * A transition's JSON, as JSON.stringify gives it. Its sets and causes are
 * shared by every subject and client told the same change (a set's answer is
 * made once: CategorySet.toAnswer), and are serialised once; so is the whole
 * message, for every client told it.
 */
export function transitionJson(t: EffectiveTransition): string {
  let json = jsonOf.get(t);
  if (json === undefined) {
    const text = JSON.stringify;
    json = `{"id":${text(t.id)},"subjectId":${text(t.subjectId)},"at":${text(t.at)},"asOfPosition":${text(t.asOfPosition)},"became":${sharedJson(t.became)},"restricted":${sharedJson(t.restricted)},"causes":${sharedJson(t.causes)}}`;
    jsonOf.set(t, json);
  }
  return json;
}

/**
 * The transition sent for a subject's outcome at a key. An outcome is worked
 * out once per record or instant and shared by every client evaluating it
 * (shared-outcomes.ts), each of which sends it with the same id: so one
 * frozen transition serves them all, not a copy per client and message.
 */
const sentAs = new WeakMap<object, { key: Omit<EffectiveKey, 'subject'>; transition: EffectiveTransition }>();
function sharedTransition(key: Omit<EffectiveKey, 'subject'>, outcome: EffectiveTransition): EffectiveTransition {
  const sent = sentAs.get(outcome);
  if (sent && sent.key.time === key.time && sent.key.kind === key.kind && sent.key.position === key.position)
    return sent.transition;
  const transition = Object.freeze({ ...outcome, id: keyId({ ...key, subject: outcome.subjectId }) });
  sentAs.set(outcome, { key, transition });
  return transition;
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

/** Why a feed stops waiting for an instant: a record came first. */
const WOKEN = 'a record came first';

/** One record's or instant's outcomes, subject by subject, under its key; `done` once all are sent. */
interface Step {
  key: Omit<EffectiveKey, 'subject'>;
  outcomes: Iterable<SubjectOutcome>;
  done?: () => void;
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
  let pending: Promise<IteratorResult<StoredEvent>> | undefined;
  let recordsOwed = false;
  /** A record read, taken in once the instants before it (up to `upTo`) are sent. */
  let held: { event: StoredEvent; recordedMs: number; upTo: number } | undefined;
  /** Once the log brings no more (the read model stopped): what fell due by then is still owed, then the feed ends. */
  let endedAt: number | undefined;

  /**
   * The next instant after those done, up to `upTo`, evaluated as known at
   * that instant, but only once every event recorded by then has been
   * processed: at equal times records come first. 'blocked' where it waits
   * for such an event; 'reached' where none is left up to `upTo`.
   */
  async function nextInstant(upTo: number): Promise<Step | 'blocked' | 'reached'> {
    const instant = readModel.instants.next(instantsDone);
    if (instant === undefined || instant > upTo) {
      instantsDone = Math.max(instantsDone, upTo);
      return 'reached';
    }
    model = await readModel.reach(await store.headPosition());
    const known = positionAsOf(model, instant);
    if (known > processedPosition) return 'blocked';
    return {
      key: { time: instant, kind: INSTANT, position: known },
      outcomes: transitionsAtInstant(model, instant, readModel.instants.measuresAt(instant), known, subjects),
      done: () => (instantsDone = instant),
    };
  }

  /** A record read from the log, taken in just after the instants before it (see RecordedChange). */
  function onRecord(event: StoredEvent, recordedMs: number): Step | undefined {
    processedPosition = event.position;
    // A record read after instants past its time were evaluated is taken in just after them (see RecordedChange).
    const atMs = Math.max(recordedMs, instantsDone + 1);
    if (!event.streamId.startsWith('measure-')) return undefined;
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
    return {
      key: { time: atMs, kind: RECORD, position: event.position },
      outcomes: transitionsOnRecord(model, change, subjects),
    };
  }

  /** What to send next: a record's or an instant's outcomes; undefined once the feed ends. Waits while none is due. */
  async function nextStep(): Promise<Step | undefined> {
    while (!signal.aborted) {
      if (held) {
        const due = await nextInstant(held.upTo);
        if (typeof due === 'object') return due;
        if (signal.aborted) return undefined;
        const { event, recordedMs } = held;
        held = undefined;
        model = await readModel.reach(event.position);
        const step = onRecord(event, recordedMs);
        if (step) return step;
        await pace(sliceMs);
        continue;
      }
      if (endedAt !== undefined) {
        const due = await nextInstant(endedAt);
        return typeof due === 'object' ? due : undefined;
      }
      pending ??= events.next();
      const now = clock.now();
      const instant = readModel.instants.next(instantsDone);
      // A due instant goes first unless events recorded before it are still to come.
      if (!recordsOwed && instant !== undefined && instant <= now) {
        const due = await nextInstant(instant);
        if (typeof due === 'object') return due;
        recordsOwed = due === 'blocked';
        continue;
      }
      // It waits, for a record or the next instant: every instant before that one is done, and every record read.
      const evaluated = processedPosition;
      // Said only once it has read every record the server holds (a client waiting for it is caught up), and never
      // naming a time past the clock: a record still to come can bring a change at any time from now on.
      if (evaluated >= readModel.position)
        options.onEvaluated?.(() =>
          evaluatedId(instant === undefined ? clock.now() : Math.min(clock.now(), instant - 1), evaluated),
        );
      // A timer only where an instant is to come; stopped with a reason of its own, not the DOMException an abort
      // without one builds (with its stack) at every record a live feed waits for.
      const wake = recordsOwed || instant === undefined ? undefined : new AbortController();
      const result = wake
        ? await Promise.race([
            pending.then((r) => ({ r })),
            clock.sleepUntil(instant!, wake.signal).then(() => 'time' as const),
          ])
        : { r: await pending };
      wake?.abort(WOKEN);
      if (result === 'time') continue;
      pending = undefined;
      recordsOwed = false;
      if (result.r.done) endedAt = clock.now();
      else {
        const recordedMs = Date.parse(result.r.value.recordedAt);
        // Instants before this record come first; at equal times, records come first.
        held = { event: result.r.value, recordedMs, upTo: Math.min(recordedMs - 1, clock.now()) };
      }
    }
    return undefined;
  }

  try {
    // The rest of the cursor's instant, as known where the client stood: records read since (recorded at or before
    // it, the model having folded them later) are taken in after it, rather than the instant told again as known
    // with them, repeating what the client had.
    let step: Step | undefined =
      cursor.kind === INSTANT && cursor.subject !== ALL_SUBJECTS && cursor.subject !== ''
        ? {
            key: { time: cursor.time, kind: INSTANT, position: cursor.position },
            outcomes: transitionsAtInstant(
              model,
              cursor.time,
              readModel.instants.measuresAt(cursor.time),
              cursor.position,
              subjects,
            ),
          }
        : await nextStep();
    // One loop sends every step, subject by subject, pausing between subjects: no generator or promise per message
    // beyond this generator's own yield.
    while (step) {
      const { key } = step;
      for (const outcome of step.outcomes) {
        const at = outcome && { ...key, subject: outcome.subjectId };
        if (at && comesAfter(at, cursor)) {
          cursor = at;
          yield sharedTransition(key, outcome);
        }
        const turn = pace(sliceMs);
        if (turn) await turn;
        if (signal.aborted) return;
      }
      step.done?.();
      step = await nextStep();
    }
  } finally {
    // Not awaited: a read in flight finishes on its own and is dropped.
    void events.return(undefined).catch(() => {});
  }
}
