/**
 * The one mapping from an event as the log holds it to the fact the domain
 * reads, and the one place stored data becomes typed: `readFact` checks a
 * payload against its type (fact-reading.ts) before anything reads it.
 */
import type { RecordedFact, UncheckedFact } from './facts.js';
import type { Position } from './position.js';
import { unreadableBecause, withoutNulls } from './fact-reading.js';

/**
 * An event as the log holds it: what every store returns (the port's StoredEvent adds its metadata), what the
 * read model folds and the feeds deliver. Positions are the domain's `Position`; revisions are bigints here and
 * numbers in facts (a stream's revision is small).
 */
export interface LoggedEvent {
  streamId: string;
  eventId: string;
  type: string;
  data: unknown;
  revision: bigint;
  position: Position;
  recordedAt: string;
}

/** `data` is the payload to read, when the caller has normalised the stored one (the read model drops nulls). */
export function uncheckedFactOf(event: LoggedEvent, data: unknown = event.data): UncheckedFact {
  return {
    eventId: event.eventId,
    type: event.type,
    data,
    revision: Number(event.revision),
    position: event.position,
    recordedAt: event.recordedAt,
  };
}

/** The recorded fact of a stored event, marked unreadable when its payload cannot be read (see fact-reading.ts). */
export function readFact(fact: UncheckedFact, earlier: readonly RecordedFact[]): RecordedFact {
  const targetId = fact.type === 'EntryCorrected' ? eventIdIn(fact.data) : undefined;
  const targetType = targetId === undefined ? undefined : earlier.find((e) => e.eventId === targetId)?.type;
  const unreadable = unreadableBecause(fact.type, fact.data, targetType);
  if (unreadable) return { ...fact, data: withoutNulls(fact.data), unreadable };
  // Checked just above: the type is the ledger's and the payload has every field that type requires, of its kind.
  return { ...fact, data: withoutNulls(fact.data) } as RecordedFact;
}

/** The fact of a stored event, read (see `readFact`). */
export function recordedFactOf(
  event: LoggedEvent,
  earlier: readonly RecordedFact[],
  data: unknown = event.data,
): RecordedFact {
  return readFact(uncheckedFactOf(event, data), earlier);
}

const eventIdIn = (data: unknown): unknown =>
  typeof data === 'object' && data !== null && 'eventId' in data ? data.eventId : undefined;
