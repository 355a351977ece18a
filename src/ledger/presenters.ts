/** JSON shapes of the command side's answers. Positions and revisions are decimal strings. */
import type { StoredEvent } from '../event-store/event-store.js';
import type { CommandOutcome } from './command-executor.js';

export function presentOutcome(outcome: CommandOutcome) {
  const { repeated: _repeated, ...body } = outcome;
  return body;
}

export function presentEvent(event: StoredEvent) {
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    type: event.type,
    revision: event.revision.toString(),
    position: event.position.toString(),
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  };
}
