/**
 * The newest events of the log, kept in order as the read model folds them,
 * so that every live feed connection reads them from memory: one store
 * subscription per instance fanned out to all its clients, rather than a
 * store read per append per connection. A connection further behind than the
 * buffer reaches reads the store, in pages, as before.
 */
import type { StoredEvent } from '../event-store/event-store.js';

const MAX_EVENTS = 4096;

export class RecentEvents {
  private events: StoredEvent[] = [];
  /** Every event after this position up to the newest pushed is held. */
  private coveredAfter: bigint;

  constructor(position: bigint) {
    this.coveredAfter = position;
  }

  /** Starts over at a position (a rebuilt model): nothing before it is held. */
  reset(position: bigint): void {
    this.events = [];
    this.coveredAfter = position;
  }

  /** The next event folded; positions increase. */
  push(event: StoredEvent): void {
    this.events.push(event);
    if (this.events.length > 2 * MAX_EVENTS) {
      // Dropped in bulk: one copy per MAX_EVENTS pushes rather than a shift per push.
      const dropped = this.events.length - MAX_EVENTS;
      this.coveredAfter = this.events[dropped - 1]!.position;
      this.events = this.events.slice(dropped);
    }
  }

  /**
   * Up to `maxCount` events after `position`, or undefined when the buffer
   * does not hold everything after it (the caller reads the store). An empty
   * page means nothing newer has been folded yet.
   */
  after(position: bigint, maxCount: number): StoredEvent[] | undefined {
    if (position < this.coveredAfter) return undefined;
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.events[mid]!.position <= position) low = mid + 1;
      else high = mid;
    }
    return this.events.slice(low, low + maxCount);
  }
}
