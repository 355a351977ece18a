/**
 * The embedded store never starts over a file that exists but is not a sound
 * ledger, and every failure names the file and says what to do.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { StorageFailure } from '../../src/event-store/storage-failure.js';
import { scribbleMidFile, truncateToHalf, writeLedger } from '../support/damage.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/damaged-files', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'ledger.db');
  });
  afterEach(() => dir.remove());

  function openFailure(): StorageFailure {
    try {
      new SqliteEventStore(path);
    } catch (error) {
      expect(error).toBeInstanceOf(StorageFailure);
      return error as StorageFailure;
    }
    throw new Error(`${path} opened`);
  }

  describe('opening an existing file', () => {
    it('refuses a zero-length file and leaves it as it was, rather than start a new ledger over it', () => {
      writeFileSync(path, '');
      const failure = openFailure();
      expect(failure.message).toBe(
        `${path} is empty (0 bytes), so it holds no ledger, and regledger never starts a new ledger over a file that exists: restore it from a backup, or delete it to start an empty ledger`,
      );
      expect(failure).toMatchObject({ permanent: true, atOpen: true, kind: 'unavailable' });
      expect(statSync(path).size).toBe(0);
    });

    it('refuses a file that is not a SQLite database, and leaves it untouched', () => {
      const text = 'position,event\n1,RestrictionImposed\n'.repeat(300);
      writeFileSync(path, text);
      expect(openFailure().message).toBe(
        `${path} is not a regledger ledger (it does not start with the SQLite header): restore the ledger from a backup, or set LEDGER_DATA_DIR to the directory that holds it`,
      );
      expect(readFileSync(path, 'utf8')).toBe(text);
    });

    it("refuses another application's SQLite database", () => {
      const other = new Database(path);
      other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
      other.close();
      expect(openFailure().message).toContain(`${path} is not a regledger ledger (its tables are invoices)`);
    });

    it('refuses a truncated ledger as damaged', async () => {
      await writeLedger(path);
      truncateToHalf(path);
      const failure = openFailure();
      expect(failure.message).toMatch(
        new RegExp(`^${path} is damaged \\(.+\\): restore it from a backup; regledger will not use it as it is$`),
      );
      expect(failure.permanent).toBe(true);
    });

    it('refuses a ledger with a page of garbage in the middle as damaged', async () => {
      await writeLedger(path);
      scribbleMidFile(path);
      expect(openFailure().message).toMatch(new RegExp(`^${path} is damaged \\(.+\\): restore it from a backup`));
    });

    it('opens a sound ledger with every event, after checking it', async () => {
      await writeLedger(path, 100);
      const store = new SqliteEventStore(path);
      expect(await store.headPosition()).toBe(100n);
      await store.close();
    });
  });

  describe('a file that does not exist', () => {
    it('is created as a whole new ledger, with no draft left beside it', async () => {
      const store = new SqliteEventStore(path);
      expect(await store.headPosition()).toBe(0n);
      await store.close();
      expect(readdirSync(dir.path).filter((name) => name.includes('.new-'))).toEqual([]);
      // Reopened, it passes the checks made of an existing file.
      const again = new SqliteEventStore(path);
      await again.close();
    });

    it('cannot be created where its directory is missing: the failure names the file', () => {
      path = join(dir.path, 'missing', 'ledger.db');
      expect(openFailure().message).toContain(path);
    });
  });

  describe('at run time', () => {
    it('a full disk fails the append with storage-full naming the file, and writes nothing', async () => {
      const store = new SqliteEventStore(path);
      await store.append('measure-a', [{ eventId: 'a-0', type: 'Filled', data: {}, metadata: {} }], 'no_stream');
      // SQLite answers SQLITE_FULL once the file may grow no further, as on a full disk.
      const pages = (store.pragma('page_count') as { page_count: number }[])[0]!.page_count;
      store.pragma(`max_page_count = ${pages}`);
      const big = Array.from({ length: 20 }, (_, i) => ({
        eventId: `b-${i}`,
        type: 'Filled',
        data: { padding: 'x'.repeat(4000) },
        metadata: {},
      }));
      const failure = await store.append('measure-b', big, 'no_stream').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StorageFailure);
      expect(failure).toMatchObject({ kind: 'storage-full', permanent: false });
      expect((failure as Error).message).toMatch(
        new RegExp(`^the disk holding ${path} is full .*nothing was written: free some space$`),
      );
      expect(await store.headPosition()).toBe(1n);
      expect(await store.readStream('measure-b')).toEqual([]);
      await store.close();
    });

    it('an event whose stored data no longer parses fails the read as damaged, naming its position', async () => {
      await writeLedger(path, 100);
      const raw = new Database(path);
      raw.prepare('UPDATE events SET data = \'{"i": 4\' WHERE position = 5').run();
      raw.close();
      const store = new SqliteEventStore(path);
      const failure = await store.readAll().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StorageFailure);
      expect(failure).toMatchObject({
        permanent: true,
        message: `${path} is damaged (the event at position 5 does not parse as JSON): restore it from a backup; regledger will not use it as it is`,
      });
      await store.close();
    });

    it('a page damaged after opening fails the read as damaged, naming the file', async () => {
      await writeLedger(path);
      const store = new SqliteEventStore(path);
      store.pragma('cache_size = 0'); // read from the file, not from pages cached before the damage
      scribbleMidFile(path);
      const failure = await store.readAll().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StorageFailure);
      expect(failure).toMatchObject({ permanent: true, kind: 'unavailable', path });
      await store.close();
    });
  });
});
