/**
 * Record time settled: which recorded events stand, with which payload, once
 * retractions and corrections are applied. `MeasureHistory` then answers for
 * valid time.
 */
import {
  isAmending,
  standingFactOf,
  targetOf,
  type ReadableFact,
  type RecordedFact,
  type StandingFact,
} from './facts.js';
import { MeasureHistory } from './measure-history.js';

/**
 * Settles record time. A retraction stands unless a standing retraction
 * targets it; since targets always precede their retractions, one pass from
 * the newest event back decides every event. The latest standing correction
 * of an event replaces its payload.
 */
export function resolveMeasure(measureId: string, recorded: RecordedFact[]): MeasureHistory {
  const retracted = new Set<string>();
  for (let i = recorded.length - 1; i >= 0; i--) {
    const event = recorded[i]!;
    if (event.unreadable === undefined && event.type === 'EntryRetracted' && !retracted.has(event.eventId)) {
      retracted.add(event.data.eventId);
    }
  }
  const corrections = new Map<string, ReadableFact<'EntryCorrected'>>();
  for (const event of recorded) {
    if (event.unreadable === undefined && event.type === 'EntryCorrected' && !retracted.has(event.eventId)) {
      corrections.set(event.data.eventId, event);
    }
  }
  const facts: StandingFact[] = [];
  const setAside: RecordedFact[] = [];
  recorded.forEach((event, order) => {
    if (retracted.has(event.eventId)) return;
    if (event.unreadable !== undefined) {
      setAside.push(event);
      return;
    }
    if (isAmending(event)) return;
    const correction = corrections.get(event.eventId);
    facts.push(standingFactOf(event, correction ? correction.data.replacement : event.data, order, correction));
  });
  return new MeasureHistory(measureId, recorded, retracted, facts, setAside);
}

/**
 * The history once `recorded` grew past `resolvedLength`, extended rather than
 * resolved again, when the new events only add facts; undefined when one of
 * them retracts, corrects or cannot be read, since those change what stands.
 */
export function extendMeasure(
  history: MeasureHistory,
  recorded: RecordedFact[],
  resolvedLength: number,
  /** How many of `recorded` the history is to know (the list may run on: a measure's facts as they stand now). */
  length = recorded.length,
): MeasureHistory | undefined {
  const addedFacts: StandingFact[] = [];
  for (let i = resolvedLength; i < length; i++) {
    const event = recorded[i]!;
    if (event.unreadable !== undefined || isAmending(event)) return undefined;
    addedFacts.push(standingFactOf(event, event.data, i));
  }
  return new MeasureHistory(
    history.measureId,
    recorded,
    history.retracted,
    addedFacts,
    history.setAside,
    history,
    length,
  );
}

/** The history as it would stand had one event never been recorded (for checking a correction). */
export function historyWithout(history: MeasureHistory, eventId: string): MeasureHistory {
  return resolveMeasure(
    history.measureId,
    history.recorded.filter((e) => e.eventId !== eventId && targetOf(e) !== eventId),
  );
}
