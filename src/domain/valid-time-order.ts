/** The order of standing facts in valid time: by `effectiveFrom`, ties in record order. */
import type { StandingFact } from './facts.js';

/** Facts that take effect at an instant of their own (the imposition's window is read apart). */
export const hasValidTime = (fact: StandingFact): boolean =>
  'effectiveFrom' in fact.data && fact.type !== 'RestrictionImposed';

export const byValidTimeOrder = (a: StandingFact, b: StandingFact): number => a.fromMs - b.fromMs || a.order - b.order;

/** Inserts into a list in valid-time order, ties in record order; a new fact mostly lands at or near the end. */
export function insertByValidTime<F extends StandingFact>(list: F[], fact: F): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (byValidTimeOrder(list[mid]!, fact) <= 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, fact);
}

/** The last step effective at t, in steps sorted by `fromMs`. */
export function stepAt<T extends { fromMs: number }>(steps: T[], t: number): T | undefined {
  let low = 0;
  let high = steps.length - 1;
  let found: T | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (steps[mid]!.fromMs <= t) {
      found = steps[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
