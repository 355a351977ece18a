/** Where webhooks and consumers keep their state, beside the ledger's store. */
import { basename, dirname, extname, join } from 'node:path';
import type { EventStore } from '../event-store/event-store.js';
import { eventStoreDbClientOf } from '../event-store/eventstoredb/client-of.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { SqliteSubscriberState } from './sqlite-subscriber-state.js';
import type { SubscriberStateStore } from './subscriber-state.js';

/**
 * EventStoreDB: streams of its own on the same server. SQLite: a file beside
 * the ledger's (`ledger.db` → `ledger.subscribers.db`). Any other store (a
 * test's wrapper) keeps the state in memory.
 */
export async function subscriberStateFor(store: EventStore): Promise<SubscriberStateStore> {
  const client = eventStoreDbClientOf(store);
  if (client) {
    // Loaded only here: an embedded ledger never loads the EventStoreDB client.
    const { EventStoreDbSubscriberState } = await import('./eventstoredb-subscriber-state.js');
    return new EventStoreDbSubscriberState(client);
  }
  if (store instanceof SqliteEventStore && store.path !== ':memory:') {
    return new SqliteSubscriberState(
      join(dirname(store.path), `${basename(store.path, extname(store.path))}.subscribers.db`),
    );
  }
  return new SqliteSubscriberState(':memory:');
}
