/**
 * Two stores on one ledger, as two instances open it: on SQLite the second polls the file only every `lagMs`, so it
 * lags (a test that waits for it to catch up waits up to that long each time).
 */
import { join } from 'node:path';
import type { EventStore } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { EventStoreWireServer } from './esdb-wire/server.js';
import { tempDir } from './temp-dir.js';

export async function twoStoresOnOneLedger(
  lagMs = 400,
): Promise<{ stores: [EventStore, EventStore]; stop(): Promise<void> }> {
  if (process.env.REGLEDGER_TEST_STORE === 'eventstoredb') {
    const server = await new EventStoreWireServer({ batchAppend: true }).start();
    const connect = () => EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
    return { stores: [await connect(), await connect()], stop: () => server.stop() };
  }
  const dir = tempDir();
  const file = join(dir.path, 'ledger.db');
  return {
    stores: [new SqliteEventStore(file), new SqliteEventStore(file, { pollIntervalMs: lagMs })],
    stop: async () => dir.remove(),
  };
}
