/** The lease store on the ledger's own store, so every instance on one ledger shares it. */
import type { EventStore } from '../event-store/event-store.js';
import { EventStoreDbEventStore } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { EventStoreDbLeaseStore } from './eventstoredb-lease.js';
import type { LeaseStore } from './lease.js';
import { SqliteLeaseStore } from './sqlite-lease.js';

/** Any other store (a ledger in memory, a test's wrapper) has one instance: its lease is kept in memory. */
export function leaseStoreFor(store: EventStore): LeaseStore {
  if (store instanceof EventStoreDbEventStore) return new EventStoreDbLeaseStore(store.client);
  if (store instanceof SqliteEventStore && store.path !== ':memory:') return new SqliteLeaseStore(store.path);
  return new SqliteLeaseStore(':memory:');
}
