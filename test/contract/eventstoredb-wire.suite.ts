/**
 * The store contract over EventStoreDB's gRPC protocol: the real client
 * library against the wire-level test server, on both append paths.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { eventStoreContract } from './event-store.contract.js';

describe('contract/eventstoredb-wire', () => {
  for (const batchAppend of [false, true]) {
    const path = batchAppend ? 'BatchAppend' : 'Append';
    let server: EventStoreWireServer;

    eventStoreContract(`EventStoreDB wire protocol, ${path} path`, {
      async open() {
        server = await new EventStoreWireServer({ batchAppend, systemEventEvery: 3 }).start();
        return EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
      },
      async appendFromOutside(streamId, count) {
        // Another client, as another process would be.
        const other = EventStoreDBClient.connectionString(server.connectionString);
        for (let i = 0; i < count; i++) {
          await other.appendToStream(
            streamId,
            jsonEvent({ id: randomUUID(), type: 'Outside', data: { i }, metadata: { actor: 'outside' } }),
            {
              expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
            },
          );
        }
        await other.dispose();
      },
      async cleanup() {
        await server.stop();
        expect(server.calls.get(batchAppend ? 'batchAppend' : 'append')).toBeGreaterThan(0);
        expect(server.calls.get(batchAppend ? 'append' : 'batchAppend')).toBeUndefined();
      },
    });
  }

  it('keeps the server’s own streams out of the ledger', async () => {
    const server = await new EventStoreWireServer({ systemEventEvery: 1 }).start();
    const store = await EventStoreDbEventStore.connect(server.connectionString);
    await store.append('measure-a', [{ eventId: randomUUID(), type: 'T', data: {}, metadata: {} }], 'no_stream');
    expect(server.log.records.filter((r) => r.streamId.startsWith('$')).length).toBeGreaterThan(1);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['measure-a']);
    await store.close();
    await server.stop();
  });
});
