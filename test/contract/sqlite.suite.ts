import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { eventStoreContract } from './event-store.contract.js';

describe('contract/sqlite', () => {
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
      await run(process.execPath, [
        join(import.meta.dirname, '../support/append-child.mjs'),
        dbPath,
        streamId,
        String(Math.ceil(count / 2)),
      ]);
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

  describe('SQLite adapter specifics', () => {
    it('rolls back a whole append when one of its inserts fails', async () => {
      const store = new SqliteEventStore(':memory:');
      const twice = { eventId: '2b7e0d3c-1111-4c2a-9d5e-0f6a7b8c9d0e', type: 'T', data: {}, metadata: {} };
      await expect(
        store.append('s', [twice, { ...twice, eventId: '2b7e0d3c-2222-4c2a-9d5e-0f6a7b8c9d0e' }, twice], 'no_stream'),
      ).rejects.toHaveProperty('message', expect.stringContaining('UNIQUE'));
      expect(await store.readAll()).toEqual([]);
      await store.close();
    });

    it('stamps record time from the clock it is given, never running backwards when that clock does', async () => {
      let now = Date.parse('2030-01-01T00:00:00.000Z');
      const store = new SqliteEventStore(':memory:', { now: () => now });
      const event = (n: number) => ({
        eventId: `2b7e0d3c-000${n}-4c2a-9d5e-0f6a7b8c9d0e`,
        type: 'T',
        data: {},
        metadata: {},
      });
      await store.append('s', [event(1)], 'no_stream');
      now -= 60_000;
      await store.append('s', [event(2)], 0n);
      now += 120_000;
      await store.append('s', [event(3)], 1n);
      expect((await store.readAll()).map((e) => e.recordedAt)).toEqual([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T00:01:00.000Z',
      ]);
      await store.close();
    });

    it('refuses to open a database written by a newer schema', async () => {
      const dir = tempDir();
      const path = join(dir.path, 'ledger.db');
      const store = new SqliteEventStore(path);
      await store.close();
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(path);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (999, ?)').run(new Date().toISOString());
      db.close();
      expect(() => new SqliteEventStore(path)).toThrow(/schema version 999 is newer/);
      dir.remove();
    });
  });
});
