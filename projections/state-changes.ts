/**
 * States compared the way a cause check compares them: the union of the
 * measures' contributions, and the change from one state to another in an
 * aspect (the timeline's restricted set, everything replay shows, or one part of it).
 */
import { CategorySet } from '../src/domain/categories.js';
import type { Contribution } from './measure-contribution.js';

/**
 * `all`: restricted, exempt and pending (replay's step); `restricted`: the restricted set alone (the timeline's
 * concern); `exempt`, `pending`: one part of replay's step, whose causes are worked out part by part (cause-credit.ts).
 */
export type Aspect = 'all' | 'restricted' | 'exempt' | 'pending';

/** The parts of replay's step, each credited to the events that change it. */
export const PARTS = ['restricted', 'exempt', 'pending'] as const;

export function unionOf(parts: Contribution[]): Contribution {
  let restricted = CategorySet.EMPTY;
  let exempt = CategorySet.EMPTY;
  const pending: string[] = [];
  for (const part of parts) {
    if (!part.restricted.isEmpty())
      restricted = restricted.isEmpty() ? part.restricted : restricted.union(part.restricted);
    if (!part.exempt.isEmpty()) exempt = exempt.isEmpty() ? part.exempt : exempt.union(part.exempt);
    pending.push(...part.pending);
  }
  return { restricted, exempt, pending: [...new Set(pending)].sort() };
}

/**
 * The change from one state to another, in the aspect asked for: what became
 * and stopped being restricted (and, for `all`, exempt and pending). Compared
 * by `sameChange`, set by set: equal sets share their answer, where rendering
 * each change as text made a timeline's cause checks allocate most of its work.
 */
export interface StateChange {
  sets: CategorySet[];
  pending?: string;
}

export function changeOf(before: Contribution, after: Contribution, aspect: Aspect): StateChange {
  const sets: CategorySet[] = [];
  if (aspect === 'all' || aspect === 'restricted')
    sets.push(after.restricted.difference(before.restricted), before.restricted.difference(after.restricted));
  if (aspect === 'all' || aspect === 'exempt')
    sets.push(after.exempt.difference(before.exempt), before.exempt.difference(after.exempt));
  if (aspect !== 'all' && aspect !== 'pending') return { sets };
  const became = after.pending.filter((p) => !before.pending.includes(p));
  const stopped = before.pending.filter((p) => !after.pending.includes(p));
  return { sets, pending: `${became.join(',')}|${stopped.join(',')}` };
}

export function sameChange(a: StateChange, b: StateChange): boolean {
  return a.pending === b.pending && a.sets.length === b.sets.length && a.sets.every((set, i) => set.equals(b.sets[i]!));
}

/** Whether a change changes nothing. */
export function isNoChange(change: StateChange): boolean {
  return change.sets.every((set) => set.isEmpty()) && (change.pending === undefined || change.pending === '|');
}

export function sameState(a: Contribution, b: Contribution, aspect: Aspect): boolean {
  if ((aspect === 'all' || aspect === 'restricted') && !a.restricted.equals(b.restricted)) return false;
  if ((aspect === 'all' || aspect === 'exempt') && !a.exempt.equals(b.exempt)) return false;
  return (aspect !== 'all' && aspect !== 'pending') || a.pending.join(',') === b.pending.join(',');
}

/**
 * Whether the change from `without.before` to `without.after` differs from
 * the change from `actual.before` to `actual.after`, in the aspect. Equal
 * states settle it without working out a change: each is a difference of
 * whole category sets, and a cause check at every instant of a timeline
 * makes these the bulk of its work.
 */
export function changeDiffers(
  actual: { before: Contribution; after: Contribution },
  without: { before: Contribution; after: Contribution },
  aspect: Aspect,
  actualChange: () => StateChange,
): boolean {
  if (sameState(without.before, actual.before, aspect) && sameState(without.after, actual.after, aspect)) return false;
  if (sameState(without.before, without.after, aspect)) return !isNoChange(actualChange());
  return !sameChange(changeOf(without.before, without.after, aspect), actualChange());
}
