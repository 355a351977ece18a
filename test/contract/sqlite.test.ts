import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { eventStoreContract } from './event-store.contract.js';

const run = promisify(execFile);
let dir: ReturnType<typeof tempDir> | undefined;
let dbPath = '';

eventStoreContract('SQLite file', {
  async open() {
    dir = tempDir();
    dbPath = join(dir.path, 'ledger.db');
    return new SqliteEventStore(dbPath, { pollIntervalMs: 20 });
  },
  async appendFromOutside(streamId, count) {
    // The child appends two events per step; ask for enough steps and read the first `count`.
    await run(process.execPath, [join(import.meta.dirname, '../support/append-child.mjs'), dbPath, streamId, String(Math.ceil(count / 2))]);
  },
  async cleanup() {
    dir?.remove();
  },
});

eventStoreContract('SQLite :memory:', {
  async open() {
    return new SqliteEventStore(':memory:');
  },
});
