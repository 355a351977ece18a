/** The events an answer rests on, as every answer names them. */
import type { RecordedFact, StandingFact } from './facts.js';
import type { EventType } from './messages.js';
import { comparePositions } from './position.js';

export interface BasisEntry {
  eventId: string;
  type: EventType;
  position: string;
  recordedAt: string;
  citation?: string;
}

/** The standing facts and the corrections applied to them, once each, in record order. */
export function basisOf(facts: Iterable<StandingFact>): BasisEntry[] {
  const entries: BasisEntry[] = [];
  const seen = new Set<string>();
  const add = (event: RecordedFact & { type: EventType }, citation: string | undefined) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    entries.push({
      eventId: event.eventId,
      type: event.type,
      position: event.position,
      recordedAt: event.recordedAt,
      ...(citation ? { citation } : {}),
    });
  };
  for (const fact of facts) {
    add(fact.recorded, fact.data.citation);
    if (fact.correctedBy) add(fact.correctedBy, fact.correctedBy.data.citation);
  }
  return entries.sort((a, b) => comparePositions(a.position, b.position));
}
