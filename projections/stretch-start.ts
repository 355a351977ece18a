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

const DATED = ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'] as const;

/** A payload's dated fields in ms, read once: payloads never change, and every check reads every fact's. */
const datedOfPayload = new WeakMap<object, readonly number[]>();
function datedOf(data: object): readonly number[] {
  let dated = datedOfPayload.get(data);
  if (!dated) {
    const instants: number[] = [];
    for (const field of DATED) {
      const value: unknown = Reflect.get(data, field);
      if (typeof value === 'string') instants.push(toMillis(value));
    }
    datedOfPayload.set(data, (dated = instants));
  }
  return dated;
}

/**
 * Every instant one of the measure's standing facts names for the subject: the only instants its bearing on the
 * subject can change. A change of subjects that does not name it changes nothing for it.
 */
export function instantsFor(history: MeasureHistory, subjectId: string): number[] {
  const instants = new Set<number>();
  for (const fact of history.facts) {
    if ((fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved') && !fact.data.subjects.includes(subjectId))
      continue;
    for (const instant of datedOf(fact.data)) instants.add(instant);
    if (!Number.isNaN(fact.fromMs)) instants.add(fact.fromMs);
  }
  return [...instants].sort((a, b) => a - b);
}

/** How many of the sorted instants are at or before t. */
export function countUpTo(instants: readonly number[], t: number): number {
  let low = 0;
  let high = instants.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (instants[mid]! <= t) low = mid + 1;
    else high = mid;
  }
  return low;
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
 * Whether the measure restricts something wherever it is in force naming a subject: one of its imposed categories
 * is one no narrowing ever takes out (a broadening only adds) and no exemption ever covers. Then whether it
 * restricts at an instant is whether it names the subject there, and a walk back needs no scope at any instant:
 * folding a measure's scope as it stood at each of hundreds of instants held the loop for most of a second.
 * Worked out once a history.
 */
const restrictsWhileNaming = new WeakMap<MeasureHistory, boolean>();
function restrictsWhereverItNames(history: MeasureHistory): boolean {
  let known = restrictsWhileNaming.get(history);
  if (known === undefined) {
    const exempt = everExemptOf(history);
    const narrowings = history.facts.flatMap((f) => (f.type === 'ScopeNarrowed' ? [f.data] : []));
    const stays = (category: string) =>
      !exempt.contains(category) &&
      narrowings.every(
        (n) =>
          (!n.narrowTo?.length || CategorySet.ofRecorded(n.narrowTo).contains(category)) &&
          (!n.remove?.length || !CategorySet.ofRecorded(n.remove).contains(category)),
      );
    known = (history.imposition?.categories ?? []).some(stays);
    restrictsWhileNaming.set(history, known);
  }
  return known;
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
 * The last of `instants[from..to)` just before which `holds` fails, if any. Asked in ascending runs from the end,
 * each twice as long as the one after it: a measure folds its scope at a time forward from the nearest fold it
 * keeps, so asking instant after instant backwards folded it again from the start at each.
 */
export function lastBreak(
  instants: readonly number[],
  from: number,
  to: number,
  holds: (t: number) => boolean,
): number | undefined {
  for (let high = to, run = 8; high > from; high -= run, run *= 2) {
    let broke: number | undefined;
    for (let i = Math.max(from, high - run); i < high; i++) if (!holds(instants[i]! - 1)) broke = i;
    if (broke !== undefined) return broke;
  }
  return undefined;
}

/**
 * The start of the stretch under way at t during which the measure has restricted something for the subject (or,
 * where it restricts nothing at t, has been in force naming it): the last instant at or before t just before which
 * that did not hold. Undefined when it does not hold at t.
 */
export function stretchStart(history: MeasureHistory, subjectId: string, t: number): number | undefined {
  const restricting = restrictsAt(history, subjectId, t);
  if (!restricting && !namesAt(history, subjectId, t)) return undefined;
  const instants = instantsFor(history, subjectId);
  const end = countUpTo(instants, t);
  // Where it stopped naming the subject (two lookups an instant): a stretch of restricting starts there at the earliest.
  let named = end - 1;
  while (named >= 0 && namesAt(history, subjectId, instants[named]! - 1)) named--;
  if (restricting && !restrictsWhereverItNames(history)) {
    const paused = lastBreak(instants, named + 1, end, (u) => restrictsAt(history, subjectId, u));
    if (paused !== undefined) return instants[paused]!;
  }
  // The measure holds only from its effectiveFrom, one of its instants: the walk has stopped before here.
  return named >= 0 ? instants[named]! : history.imposed!.fromMs;
}
