/** The events an answer rests on, as every answer names them. */
import type { RecordedFact, StandingFact } from './facts.js';
import type { EventType } from './messages.js';
import { comparePositions, positionText } from './position.js';

export interface BasisEntry {
  eventId: string;
  type: EventType;
  position: string;
  recordedAt: string;
  citation?: string;
}

/** The standing facts and the corrections applied to them, once each, in record order. */
export function basisOf(facts: Iterable<StandingFact>): BasisEntry[] {
  const events = new Map<string, { event: RecordedFact & { type: EventType }; citation?: string }>();
  for (const fact of facts) {
    if (!events.has(fact.recorded.eventId))
      events.set(fact.recorded.eventId, { event: fact.recorded, citation: fact.data.citation });
    if (fact.correctedBy && !events.has(fact.correctedBy.eventId))
      events.set(fact.correctedBy.eventId, { event: fact.correctedBy, citation: fact.correctedBy.data.citation });
  }
  return [...events.values()]
    .sort((a, b) => comparePositions(a.event.position, b.event.position))
    .map(({ event, citation }) => ({
      eventId: event.eventId,
      type: event.type,
      position: positionText(event.position),
      recordedAt: event.recordedAt,
      ...(citation ? { citation } : {}),
    }));
}
