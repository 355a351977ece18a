/** The one mapping from an event as the log holds it to the fact the domain reads. */
import type { RecordedFact } from './measure-history.js';
import type { EventType } from './messages.js';

/** An event as any store or the read model holds it: positions and revisions as bigints. */
export interface LoggedEvent {
  eventId: string;
  type: string;
  data: unknown;
  revision: bigint;
  position: bigint;
  recordedAt: string;
}

/** `data` is the payload to read, when the caller has normalised the stored one (the read model drops nulls). */
export function recordedFactOf(event: LoggedEvent, data: unknown = event.data): RecordedFact {
  return {
    eventId: event.eventId,
    type: event.type as EventType,
    data: data as RecordedFact['data'],
    revision: Number(event.revision),
    position: event.position.toString(),
    recordedAt: event.recordedAt,
  };
}
