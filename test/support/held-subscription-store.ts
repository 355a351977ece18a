import type { EventStore, SubscribeOptions, Subscription } from '../../src/event-store/event-store.js';

/**
 * A store whose subscriptions hold each event back until the test releases
 * its position, as a busy or remote store lags: the test decides how far
 * behind the log a subscriber is, rather than a delay.
 */
export interface HeldSubscriptions {
  store: EventStore;
  /** Lets the subscriptions deliver every event up to `position`. */
  release(position: bigint): void;
}

export function withHeldSubscriptions(store: EventStore): HeldSubscriptions {
  let releasedUpTo = 0n;
  const wakers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of wakers) wake();
    wakers.clear();
  };
  const held: EventStore = {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    subscribeToAll(options?: SubscribeOptions): Subscription {
      const inner = store.subscribeToAll(options);
      let closed = false;
      return {
        async close() {
          closed = true;
          wakeAll();
          await inner.close();
        },
        async *[Symbol.asyncIterator]() {
          for await (const event of inner) {
            while (event.position > releasedUpTo && !closed) await new Promise<void>((resolve) => wakers.add(resolve));
            if (closed) return;
            yield event;
          }
        },
      };
    },
  };
  return {
    store: held,
    release(position) {
      if (position > releasedUpTo) releasedUpTo = position;
      wakeAll();
    },
  };
}
