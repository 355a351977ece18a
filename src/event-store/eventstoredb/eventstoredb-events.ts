/** How EventStoreDB's records map to the event store port's: shared by the store and its subscription. */
import type { JSONRecordedEvent, Position, ResolvedEvent } from '@eventstore/db-client';
import type { StoredEvent } from '../event-store.js';

export function at(position: bigint): Position {
  return { commit: position, prepare: position };
}

export function toStoredEvent(event: JSONRecordedEvent | ResolvedEvent['event']): StoredEvent {
  const recorded = event as JSONRecordedEvent;
  const recordedAt = recorded.created.toISOString();
  const metadata = { ...((recorded.metadata as Record<string, unknown> | undefined) ?? {}), recordedAt };
  return {
    streamId: recorded.streamId,
    eventId: recorded.id,
    type: recorded.type,
    data: recorded.data,
    metadata,
    revision: recorded.revision,
    position: recorded.position!.commit,
    recordedAt,
  };
}
