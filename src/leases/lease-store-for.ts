/** The lease store on the ledger's own store, so every instance on one ledger shares it. */
import type { EventStore } from '../event-store/event-store.js';
import { eventStoreDbClientOf } from '../event-store/eventstoredb/client-of.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import type { LeaseStore } from './lease.js';
import { SqliteLeaseStore } from './sqlite-lease.js';

/** Any other store (a ledger in memory, a test's wrapper) has one instance: its lease is kept in memory. */
export async function leaseStoreFor(store: EventStore): Promise<LeaseStore> {
  const client = eventStoreDbClientOf(store);
  if (client) {
    // Loaded only here: an embedded ledger never loads the EventStoreDB client.
    const { EventStoreDbLeaseStore } = await import('./eventstoredb-lease.js');
    return new EventStoreDbLeaseStore(client);
  }
  if (store instanceof SqliteEventStore && store.path !== ':memory:') return new SqliteLeaseStore(store.path);
  return new SqliteLeaseStore(':memory:');
}
