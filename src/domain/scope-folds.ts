/**
 * A measure's scope at each of its scope changes: the imposed categories with
 * the first n broadenings and narrowings (in valid-time order) applied, folded
 * when asked and kept within bounds. A measure can have hundreds of changes:
 * copying the whole scope at each made every resolution quadratic, and keeping
 * every fold held memory growing with the square of its changes.
 */
import { CategorySet, type CategorySetBuilder } from './categories.js';
import type { StandingFact } from './facts.js';
import { applyScopeChangeTo, type ScopeChange } from './scope-change.js';
import { insertByValidTime } from './valid-time-order.js';

export class ScopeFolds {
  /** The scope after each change asked about, by its index (-1: the imposed scope). */
  private readonly scopes = new Map<number, CategorySet>();
  /** The folds kept only while recent (see `keep`), oldest first. */
  private recent: number[] = [];
  /** A builder advanced through the changes, reused while asked in order. */
  private fold?: { index: number; builder: CategorySetBuilder };

  constructor(
    private readonly imposed: StandingFact<'RestrictionImposed'>,
    /** The scope changes in valid-time order. */
    readonly changes: readonly ScopeChange[],
  ) {}

  /**
   * These folds for a history with `added` facts beside these changes: the same object when no scope change is
   * among them (the folds and the builder stay valid for both), else one that keeps the folds up to the first
   * change added and folds the rest again when asked.
   */
  extendedBy(added: readonly ScopeChange[]): ScopeFolds {
    if (!added.length) return this;
    const list = this.changes.slice();
    for (const fact of added) insertByValidTime(list, fact);
    const firstNew = Math.min(...added.map((fact) => list.indexOf(fact)));
    const extended = new ScopeFolds(this.imposed, list);
    for (const [index, scope] of this.scopes) if (index < firstNew) extended.scopes.set(index, scope);
    extended.recent = this.recent.filter((index) => index < firstNew);
    return extended;
  }

  /** How many scope changes are effective by t, less one. */
  indexAt(t: number): number {
    let index = -1;
    for (let low = 0, high = this.changes.length - 1; low <= high;) {
      const mid = (low + high) >> 1;
      if (this.changes[mid]!.fromMs <= t) ((index = mid), (low = mid + 1));
      else high = mid - 1;
    }
    return index;
  }

  /** The scope with the first `index + 1` scope changes applied: folded in place from the nearest fold kept. */
  after(index: number): CategorySet {
    const known = this.scopes.get(index);
    if (known) return known;
    if (!this.fold || this.fold.index > index) {
      let from = -1;
      for (const done of this.scopes.keys()) if (done < index && done > from) from = done;
      const start = from === -1 ? CategorySet.ofRecorded(this.imposed.data.categories) : this.scopes.get(from)!;
      this.fold = { index: from, builder: start.builder() };
    }
    while (this.fold.index < index) applyScopeChangeTo(this.fold.builder, this.changes[++this.fold.index]!);
    const scope = this.fold.builder.toSet();
    this.keep(index, scope);
    return scope;
  }

  /**
   * Every 32nd fold is kept for good, the others only while among the last 16 worked out: a timeline asks for every
   * one. A fold not kept is at most 31 changes from one that is.
   */
  private keep(index: number, scope: CategorySet): void {
    this.scopes.set(index, scope);
    if ((index + 1) % 32 === 0) return;
    this.recent.push(index);
    if (this.recent.length > 16) this.scopes.delete(this.recent.shift()!);
  }
}
