/**
 * Since when a measure has borne on a subject without a break up to t: the
 * start of the stretch under way at t, which is what "restricts ... since"
 * states. A subject removed and named again, or added after the imposition,
 * or a restriction paused by an exemption covering all of it, starts a new
 * stretch: the imposition's start is not it.
 */
import { CategorySet } from '../src/domain/categories.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { toMillis } from '../src/domain/time.js';

const DATED = new Set(['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt']);

/**
 * Every instant one of the measure's standing facts names for the subject: the only instants its bearing on the
 * subject can change. A change of subjects that does not name it changes nothing for it.
 */
export function instantsFor(history: MeasureHistory, subjectId: string): number[] {
  const instants = new Set<number>();
  for (const fact of history.facts) {
    if ((fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved') && !fact.data.subjects.includes(subjectId))
      continue;
    for (const [field, value] of Object.entries(fact.data))
      if (DATED.has(field) && typeof value === 'string') instants.add(toMillis(value));
    if (!Number.isNaN(fact.fromMs)) instants.add(fact.fromMs);
  }
  return [...instants].sort((a, b) => a - b);
}

/** Every category any exemption of the measure covers at any time, as granted or amended: worked out once a history. */
const everExempt = new WeakMap<MeasureHistory, CategorySet>();
function everExemptOf(history: MeasureHistory): CategorySet {
  let set = everExempt.get(history);
  if (!set) {
    const categories: string[] = [];
    for (const fact of history.facts)
      if (fact.type === 'ExemptionGranted') categories.push(...fact.data.categories);
      else if (fact.type === 'ExemptionAmended') categories.push(...(fact.data.addCategories ?? []));
    everExempt.set(history, (set = CategorySet.of(categories)));
  }
  return set;
}

/**
 * Whether the measure restricts something for the subject at t (in force, naming it, not all of it exempt). Where
 * its scope reaches past every category an exemption of it ever covers, it does without working out the exemptions
 * at t: a walk back over a measure of hundreds of licences asked that at every instant of every check.
 */
export const restrictsAt = (history: MeasureHistory, subjectId: string, t: number) =>
  history.inForceAt(t) &&
  history.subjectFactAt(subjectId, t) !== undefined &&
  (!history.scopeCategoriesAt(t).difference(everExemptOf(history)).isEmpty() ||
    !history.restrictedAt(t, subjectId).isEmpty());

/** Whether the measure is in force and names the subject at t. */
export const namesAt = (history: MeasureHistory, subjectId: string, t: number) =>
  history.inForceAt(t) && history.subjectFactAt(subjectId, t) !== undefined;

/**
 * The start of the stretch under way at t during which the measure has restricted something for the subject (or,
 * where it restricts nothing at t, has been in force naming it): the last instant at or before t just before which
 * that did not hold. Undefined when it does not hold at t.
 */
export function stretchStart(history: MeasureHistory, subjectId: string, t: number): number | undefined {
  const holds = restrictsAt(history, subjectId, t) ? restrictsAt : namesAt;
  if (!holds(history, subjectId, t)) return undefined;
  const instants = instantsFor(history, subjectId).filter((i) => i <= t);
  for (let i = instants.length - 1; i >= 0; i--) if (!holds(history, subjectId, instants[i]! - 1)) return instants[i]!;
  // The measure holds only from its effectiveFrom, one of its instants: the walk has stopped before here.
  return history.imposed!.fromMs;
}
