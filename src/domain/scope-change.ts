/** How a broadening or a narrowing changes a measure's scope. */
import { CategorySet, type CategorySetBuilder } from './categories.js';
import type { StandingFact } from './facts.js';
import type { NarrowScopePayload } from './messages.js';

/** A scope change: a broadening or a narrowing. */
export type ScopeChange = StandingFact<'ScopeBroadened' | 'ScopeNarrowed'>;

export const isScopeChange = (fact: StandingFact): fact is ScopeChange =>
  fact.type === 'ScopeBroadened' || fact.type === 'ScopeNarrowed';

export function applyScopeChange(scope: CategorySet, fact: ScopeChange): CategorySet {
  if (fact.type === 'ScopeBroadened') return scope.union(CategorySet.of(fact.data.categories));
  return narrowScope(scope, fact.data);
}

/** `applyScopeChange` on a set being folded in place. */
export function applyScopeChangeTo(scope: CategorySetBuilder, fact: ScopeChange): void {
  if (fact.type === 'ScopeBroadened') {
    scope.union(CategorySet.ofRecorded(fact.data.categories));
    return;
  }
  const narrowing = fact.data;
  if (narrowing.narrowTo?.length) scope.intersection(CategorySet.ofRecorded(narrowing.narrowTo));
  if (narrowing.remove?.length) scope.difference(CategorySet.ofRecorded(narrowing.remove));
}

export function narrowScope(
  scope: CategorySet,
  narrowing: Pick<NarrowScopePayload, 'narrowTo' | 'remove'>,
): CategorySet {
  let result = scope;
  if (narrowing.narrowTo?.length) result = result.intersection(CategorySet.of(narrowing.narrowTo));
  if (narrowing.remove?.length) result = result.difference(CategorySet.of(narrowing.remove));
  return result;
}
