/**
 * The instants (epoch ms) at which some recorded fact takes effect or ends,
 * each with the measures concerned. Kept as the log is folded and shared by
 * every effective feed, so a feed finds its next instant by binary search
 * instead of indexing the ledger per connection.
 */
import { instantsNamedBy } from './effective-changes.js';
import { measureIdOf } from './ledger-read-model.js';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';

/** Below this many new instants, inserting each beats merging. */
const MERGE_FROM = 32;

export class InstantIndex {
  private readonly measures = new Map<number, Set<string>>();
  private sorted: number[] = [];
  /** Instants added since the last query: a fold adds many before anyone asks. */
  private unsorted: number[] = [];

  addEvent(event: LoggedEvent): void {
    if (!event.streamId.startsWith('measure-')) return;
    const measureId = measureIdOf(event);
    for (const instant of instantsNamedBy(event.data)) this.add(instant, measureId);
  }

  add(instant: number, measureId: string): void {
    if (!Number.isFinite(instant)) return;
    let set = this.measures.get(instant);
    if (!set) {
      set = new Set();
      this.measures.set(instant, set);
      this.unsorted.push(instant);
    }
    set.add(measureId);
  }

  /** The first instant after `after`, if any. */
  next(after: number): number | undefined {
    this.settle();
    const index = firstAbove(this.sorted, after);
    return index < this.sorted.length ? this.sorted[index] : undefined;
  }

  measuresAt(instant: number): ReadonlySet<string> {
    return this.measures.get(instant) ?? EMPTY;
  }

  get size(): number {
    return this.measures.size;
  }

  /** Every instant with its measures, for a snapshot (see src/queries/read-model-snapshot.ts). */
  *entries(): IterableIterator<[number, string[]]> {
    for (const [instant, measures] of this.measures) yield [instant, [...measures]];
  }

  static fromEntries(entries: Iterable<[number, string[]]>): InstantIndex {
    const index = new InstantIndex();
    for (const [instant, measures] of entries) for (const measureId of measures) index.add(instant, measureId);
    return index;
  }

  private settle(): void {
    if (!this.unsorted.length) return;
    if (this.unsorted.length < MERGE_FROM) {
      for (const instant of this.unsorted) this.sorted.splice(firstAbove(this.sorted, instant), 0, instant);
    } else {
      const added = this.unsorted.sort((a, b) => a - b);
      const merged = new Array<number>(this.sorted.length + added.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < this.sorted.length && j < added.length)
        merged[k++] = this.sorted[i]! <= added[j]! ? this.sorted[i++]! : added[j++]!;
      while (i < this.sorted.length) merged[k++] = this.sorted[i++]!;
      while (j < added.length) merged[k++] = added[j++]!;
      this.sorted = merged;
    }
    this.unsorted = [];
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function firstAbove(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
