/**
 * Valid-time lists of standing events, shared by a measure's contribution and
 * the walks over it: ordering, lookup by instant, and the scope folds a walk
 * through record time keeps from one resolution of a measure to the next.
 */
import { CategorySet } from '../src/domain/categories.js';
import type { StandingFact } from '../src/domain/facts.js';
import { applyScopeChange, type ScopeChange } from '../src/domain/scope-change.js';
import { toMillis as parseMillis } from '../src/domain/time.js';

const NO_CATEGORIES: readonly string[] = [];

/** Instants repeat across resolutions of one measure: parse each text once. */
const parsed = new Map<string, number>();
export function toMillis(instant: string): number {
  let ms = parsed.get(instant);
  if (ms === undefined) {
    if (parsed.size > 100_000) parsed.clear();
    ms = parseMillis(instant);
    parsed.set(instant, ms);
  }
  return ms;
}

export const byValidTime = (a: StandingFact, b: StandingFact) => a.fromMs - b.fromMs || a.order - b.order;

/** The last index in a list sorted by `fromMs` with `fromMs <= t`, or -1. */
export function lastAtOrBefore(list: StandingFact[], t: number): number {
  let low = 0;
  let high = list.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (list[mid]!.fromMs <= t) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * The successive scopes of one measure as a walk through record time learns
 * more of it. Each resolution of the measure carries the same payload objects,
 * so the folds over the scope changes it shares with the previous resolution
 * (all of them, when a record adds a later change) are kept, not recomputed.
 */
export class ScopeMemo {
  private base = CategorySet.EMPTY;
  private imposition: unknown;
  private changes: ScopeChange[] = [];
  private payloads: unknown[] = [];
  /** folds[i]: the scope with changes[0..i] applied. */
  private folds: CategorySet[] = [];

  follow(imposed: StandingFact<'RestrictionImposed'> | undefined, changes: ScopeChange[]): void {
    if (imposed?.data !== this.imposition) {
      this.imposition = imposed?.data;
      this.base = CategorySet.ofRecorded(imposed?.data.categories ?? NO_CATEGORIES);
      this.folds = [];
    }
    let same = 0;
    while (
      same < changes.length &&
      same < this.payloads.length &&
      changes[same]!.data === this.payloads[same] &&
      changes[same]!.fromMs === this.changes[same]!.fromMs
    )
      same++;
    this.folds.length = Math.min(this.folds.length, same);
    this.changes = changes;
    this.payloads = changes.map((c) => c.data);
  }

  at(t: number): CategorySet {
    const index = lastAtOrBefore(this.changes, t);
    while (this.folds.length <= index) {
      const previous = this.folds.length ? this.folds[this.folds.length - 1]! : this.base;
      this.folds.push(applyScopeChange(previous, this.changes[this.folds.length]!));
    }
    return index < 0 ? this.base : this.folds[index]!;
  }
}

/** Inserts in valid-time order (ties in record order); a record mostly lands at or near the end. */
export function insertSorted(list: StandingFact[], fact: StandingFact): void {
  let index = list.length;
  while (index > 0 && byValidTime(list[index - 1]!, fact) > 0) index--;
  list.splice(index, 0, fact);
}

export function some<T>(items: Iterable<T> | undefined, test: (item: T) => boolean): boolean {
  for (const item of items ?? []) if (test(item)) return true;
  return false;
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
