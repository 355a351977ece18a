import type { EventStore, SubscribeOptions, Subscription } from '../../src/event-store/event-store.js';

/** A store whose subscriptions deliver each event late, as a busy or remote store would. */
export function withSlowSubscriptions(store: EventStore, delayMs: number): EventStore {
  return {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    subscribeToAll(options?: SubscribeOptions): Subscription {
      const inner = store.subscribeToAll(options);
      return {
        close: () => inner.close(),
        async *[Symbol.asyncIterator]() {
          for await (const event of inner) {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            yield event;
          }
        },
      };
    },
  };
}
