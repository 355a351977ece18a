/**
 * The store contract against a real EventStoreDB: `npm run test:eventstoredb`
 * with EVENTSTORE_CONNECTION_STRING set (see the README). Streams are named
 * afresh per test, so a server with other data in it does no harm.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { eventStoreContract } from '../contract/event-store.contract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
if (!connectionString) {
  throw new Error(
    'EVENTSTORE_CONNECTION_STRING is not set: start an EventStoreDB (see the README, "Running on EventStoreDB") and name it there',
  );
}

eventStoreContract(`a real EventStoreDB at ${connectionString}`, {
  open: () => EventStoreDbEventStore.connect(connectionString),
  async appendFromOutside(streamId, count) {
    const other = EventStoreDBClient.connectionString(connectionString);
    for (let i = 0; i < count; i++) {
      await other.appendToStream(streamId, jsonEvent({ id: randomUUID(), type: 'Outside', data: { i } }), {
        expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
      });
    }
    await other.dispose();
  },
});
