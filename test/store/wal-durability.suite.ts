import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventToAppend, StoredEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { StorageFailure } from '../../src/event-store/storage-failure.js';
import { tempDir } from '../support/temp-dir.js';

const event = (n: number): EventToAppend => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'SubjectsAdded',
  data: { n },
  metadata: {},
});

/** A WAL sync the test releases by hand (or lets run from `open()` on), counting the syncs asked for. */
function heldSync() {
  const waiting: { resolve(): void; reject(error: unknown): void }[] = [];
  let opened = false;
  return {
    calls: 0,
    sync(): Promise<void> {
      this.calls++;
      if (opened) return Promise.resolve();
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    release: () => waiting.splice(0).forEach((w) => w.resolve()),
    open() {
      opened = true;
      this.release();
    },
    fail: (error: unknown) => waiting.splice(0).forEach((w) => w.reject(error)),
  };
}

/** Lets the event loop turn a few times: long enough for an append that does not wait to be acknowledged. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function settledFlag<T>(promise: Promise<T>): { settled: boolean } {
  const flag = { settled: false };
  promise.then(
    () => (flag.settled = true),
    () => (flag.settled = true),
  );
  return flag;
}

describe('the embedded store syncs its WAL off the event loop', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    dir?.remove();
  });

  it('acknowledges an append, and shows it to readers and subscribers, only once the WAL is on disk', async () => {
    dir = tempDir();
    const sync = heldSync();
    store = new SqliteEventStore(join(dir.path, 'ledger.db'), { syncWal: () => sync.sync() });
    const received: StoredEvent[] = [];
    const subscription = store.subscribeToAll({ after: 0n });
    void (async () => {
      for await (const e of subscription) received.push(e);
    })();
    await turns();
    sync.release();

    const append = store.append('m1', [event(1)], 'no_stream');
    const acknowledged = settledFlag(append);
    await turns();
    const read = store.readAll();
    const head = store.headPosition();
    await turns();
    // Committed, but not yet on disk: nobody has been told.
    expect(acknowledged.settled).toBe(false);
    expect(settledFlag(read).settled).toBe(false);
    expect(received).toEqual([]);

    sync.open();
    await expect(append).resolves.toMatchObject({ written: true, position: 1n });
    expect((await read).map((e) => e.eventId)).toEqual([event(1).eventId]);
    expect(await head).toBe(1n);
    await subscription.close();
  });

  it('shares one sync among the appends made while another runs', async () => {
    dir = tempDir();
    const sync = heldSync();
    store = new SqliteEventStore(join(dir.path, 'ledger.db'), { syncWal: () => sync.sync() });
    const first = store.append('m0', [event(100)], 'no_stream');
    await turns();
    expect(sync.calls).toBe(1);
    // Five appends in five turns of the loop, while the first sync runs: one more sync covers them all.
    const later: Promise<unknown>[] = [];
    for (let i = 1; i <= 5; i++) {
      later.push(store.append(`m${i}`, [event(100 + i)], 'no_stream'));
      await turns(2);
    }
    sync.release();
    await first;
    await turns();
    expect(sync.calls).toBe(2);
    sync.release();
    await Promise.all(later);
    expect(sync.calls).toBe(2);
  });

  it('fails an append whose sync fails, naming the file, and serves nothing past what was durable after it', async () => {
    dir = tempDir();
    const sync = heldSync();
    const path = join(dir.path, 'ledger.db');
    store = new SqliteEventStore(path, { syncWal: () => sync.sync() });
    const first = store.append('m0', [event(0)], 'no_stream');
    await turns();
    sync.release();
    await first;
    const append = store.append('m1', [event(1)], 'no_stream');
    await turns();
    sync.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const failure = await append.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageFailure);
    expect((failure as StorageFailure).message).toContain(`syncing ${path}-wal to disk failed (EIO)`);
    expect((failure as StorageFailure).outcomeUnknown).toBe(true);

    // A later sync would prove nothing about the pages the failed one could not write: the committed row is never
    // read, nor another append acknowledged, until a restart; what was durable before is still read.
    sync.open();
    await expect(store.readAll()).rejects.toMatchObject({ permanent: true });
    await expect(store.append('m2', [event(2)], 'no_stream')).rejects.toBeInstanceOf(StorageFailure);
    expect((await store.readAll({ maxCount: 1 })).map((e) => e.eventId)).toEqual([event(0).eventId]);
  });

  it('checkpoints the WAL into the database file from a worker thread, never on the main connection', async () => {
    dir = tempDir();
    const path = join(dir.path, 'ledger.db');
    store = new SqliteEventStore(path);
    expect(store.pragma('wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    expect(store.pragma('synchronous')).toEqual([{ synchronous: 1 }]);
    for (let i = 1; i <= 50; i++) await store.append(`m${i % 5}`, [event(i)], 'any');

    const result = await store.checkpoint();
    expect(result!.log).toBeGreaterThan(0);
    expect(result!.checkpointed).toBe(result!.log);
    // The database file alone, without its WAL, now holds every event.
    const copy = join(dir.path, 'copy.db');
    copyFileSync(path, copy);
    const db = new Database(copy, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 50 });
    } finally {
      db.close();
    }
  });

  it('a close waits for the appends committed before it to be on disk', async () => {
    dir = tempDir();
    const sync = heldSync();
    store = new SqliteEventStore(join(dir.path, 'ledger.db'), { syncWal: () => sync.sync() });
    const append = store.append('m1', [event(1)], 'no_stream');
    await turns();
    const closing = store.close();
    await turns();
    expect(settledFlag(closing).settled).toBe(false);
    sync.open();
    await closing;
    await expect(append).resolves.toMatchObject({ written: true });
    store = undefined;
  });
});
