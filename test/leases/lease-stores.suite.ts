/** The lease contract on SQLite (several connections to one ledger file) and on EventStoreDB (several clients of the wire-level test server). */
import { join } from 'node:path';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { EventStoreDbLeaseStore } from '../../src/leases/eventstoredb-lease.js';
import type { LeaseStore } from '../../src/leases/lease.js';
import { SqliteLeaseStore } from '../../src/leases/sqlite-lease.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { tempDir } from '../support/temp-dir.js';
import { leaseStoreContract } from './lease.contract.js';
import { describe } from '@jest/globals';

describe('leases/lease-stores', () => {
  leaseStoreContract('SQLite, one ledger file', () => {
    const dir = tempDir();
    const leases: LeaseStore[] = [];
    let ledger: SqliteEventStore | undefined;
    return {
      async open(count, clock) {
        const path = join(dir.path, 'ledger.db');
        ledger = new SqliteEventStore(path);
        for (let i = 0; i < count; i++) leases.push(new SqliteLeaseStore(path, clock));
        return leases;
      },
      async close() {
        for (const lease of leases) await lease.close();
        await ledger?.close();
        dir.remove();
      },
    };
  });

  leaseStoreContract('EventStoreDB, wire-level server', () => {
    let server: EventStoreWireServer | undefined;
    const stores: EventStoreDbEventStore[] = [];
    return {
      async open(count, clock) {
        server = await new EventStoreWireServer({ batchAppend: true }).start();
        for (let i = 0; i < count; i++)
          stores.push(await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 }));
        return stores.map((store) => new EventStoreDbLeaseStore(store.client, clock));
      },
      async close() {
        for (const store of stores) await store.close();
        await server?.stop();
      },
    };
  });
});
