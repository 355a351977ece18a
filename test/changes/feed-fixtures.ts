/** A fixed log and its read model, for driving the feeds without a server. */
import { InstantIndex } from '../../projections/instant-index.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import type { EventStore, StoredEvent, Subscription } from '../../src/event-store/event-store.js';
import type { ReadModelService } from '../../src/queries/read-model.service.js';
import { RecentEvents } from '../../src/queries/recent-events.js';

/** A log of fixed events. */
export function fixedStore(events: LoggedEvent[]): EventStore {
  const stored: StoredEvent[] = events.map((e) => ({ ...e, metadata: {} }));
  return {
    append: () => Promise.reject(new Error('read-only')),
    readStream: async (streamId) => stored.filter((e) => e.streamId === streamId),
    readAll: async (options) =>
      stored.filter((e) => e.position > (options?.after ?? 0n)).slice(0, options?.maxCount ?? stored.length),
    headPosition: async () => stored.at(-1)?.position ?? 0n,
    close: async () => {},
    subscribeToAll(options): Subscription {
      let closed = false;
      return {
        close: async () => void (closed = true),
        async *[Symbol.asyncIterator]() {
          for (const event of stored) {
            if (closed) return;
            if (event.position > (options?.after ?? 0n)) yield event;
          }
        },
      };
    },
  };
}

export function readModelOf(
  events: LoggedEvent[],
  model: LedgerReadModel = events.reduce(evolve, initialState()),
): ReadModelService {
  const instants = new InstantIndex();
  for (const event of events) instants.addEvent(event);
  // Nothing more will come after these events: the feed ends once it has sent what they owe.
  // Its buffer of recent events starts after everything: the feed reads the events from the store.
  return {
    current: async () => model,
    reach: async () => model,
    beyond: async () => false,
    instants,
    recent: new RecentEvents(model.position),
    position: model.position,
  } as unknown as ReadModelService;
}
