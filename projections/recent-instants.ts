/**
 * Values worked out for the last few instants asked, the oldest dropped
 * first. A walk asks about its instants in order, and a cause check about the
 * instant walked and the one just before it, again and again: a few suffice.
 * Keeping every instant asked held a whole timeline's states (a measure's
 * whole scope at each of its hundreds of instants) while the timeline was
 * worked out.
 */
export class RecentInstants<V> {
  private readonly values = new Map<number, V>();

  constructor(private readonly kept: number) {}

  get(t: number): V | undefined {
    return this.values.get(t);
  }

  set(t: number, value: V): V {
    if (!this.values.has(t) && this.values.size >= this.kept) this.values.delete(this.values.keys().next().value!);
    this.values.set(t, value);
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
