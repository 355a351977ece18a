/**
 * The EventStoreDB client behind a store, when the store is the EventStoreDB
 * adapter: leases and subscriber state then keep their streams on the same
 * server. Asked without loading the client library, which an embedded
 * ledger never needs.
 */
import type { EventStoreDBClient } from '@eventstore/db-client';

export const EVENTSTOREDB_CLIENT = Symbol('regledger.eventstoredb-client');

export function eventStoreDbClientOf(store: object): EventStoreDBClient | undefined {
  return (store as { [EVENTSTOREDB_CLIENT]?: EventStoreDBClient })[EVENTSTOREDB_CLIENT];
}
