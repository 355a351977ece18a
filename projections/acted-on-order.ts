/**
 * The record-order rule of acted-on.ts, applied to lists that follow record
 * time as a measure's events are left out or put back: a change acts on the
 * latest grant (or announcement) of its id recorded before it.
 */
import type { StandingFact } from '../src/domain/facts.js';

/**
 * The record order before which the facts of an id recorded after `fact` act on it: that of the next of `same` (the
 * grants or announcements of its id) not left out. A change acts on the latest grant of its id recorded before it
 * (acted-on.ts): the lists follow record time here, so the rule is applied by order, not read from the history.
 */
export function actedOnUntil(
  same: readonly StandingFact[] | undefined,
  fact: StandingFact,
  skip?: ReadonlySet<StandingFact>,
) {
  let next = Infinity;
  for (const other of same ?? [])
    if (other.order > fact.order && other.order < next && !skip?.has(other)) next = other.order;
  return next;
}

/** Whether a change (or an ending) of `grant`'s id acts on it, `until` being `actedOnUntil` of the grant. */
export const actsOn = (change: StandingFact, grant: StandingFact, until: number) =>
  grant.order < change.order && change.order < until;
