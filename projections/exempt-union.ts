import { CategorySet } from '../src/domain/categories.js';
import type { ExemptionAt } from '../src/domain/exemption-steps.js';
import { push } from './valid-time-lists.js';

/**
 * The union of some exemptions' categories, and of all but one exemption id's.
 * Grouped by id, the groups' unions are merged pairwise in rounds, every round
 * kept: all but one group is then the union of one node per round (the
 * sibling of the path to that group), about the size of the whole union,
 * where merging the others afresh would cost log2(n) times that.
 */
export class ExemptUnion {
  readonly full: CategorySet;
  private readonly indexOf = new Map<string, number>();
  /** rounds[0]: each id's union; rounds[k + 1][j]: the union of rounds[k][2j] and rounds[k][2j + 1]. */
  private readonly rounds: CategorySet[][];

  constructor(exemptions: Pick<ExemptionAt, 'exemptionId' | 'categories'>[]) {
    const byId = new Map<string, CategorySet[]>();
    for (const e of exemptions) push(byId, e.exemptionId, e.categories);
    const groups: CategorySet[] = [];
    for (const [id, sets] of byId) {
      this.indexOf.set(id, groups.length);
      groups.push(CategorySet.unionAll(sets));
    }
    this.rounds = [groups];
    for (let round = groups; round.length > 1;) {
      const next: CategorySet[] = [];
      for (let i = 0; i < round.length; i += 2)
        next.push(i + 1 < round.length ? round[i]!.union(round[i + 1]!) : round[i]!);
      this.rounds.push(next);
      round = next;
    }
    this.full = groups.length ? this.rounds[this.rounds.length - 1]![0]! : CategorySet.EMPTY;
  }

  without(exemptionId: string): CategorySet {
    let index = this.indexOf.get(exemptionId);
    if (index === undefined) return this.full;
    let union = CategorySet.EMPTY;
    // Smallest nodes first, so each union costs about the node it adds.
    for (let k = 0; k < this.rounds.length - 1; k++, index >>= 1) {
      const sibling = this.rounds[k]![index ^ 1];
      if (sibling && !sibling.isEmpty()) union = union.isEmpty() ? sibling : union.union(sibling);
    }
    return union;
  }
}
