/**
 * A page of ledger.db damaged while the server runs, under a read model that
 * folded it already (so the model does not notice): the request that meets
 * the damage says so, the feed that meets it sends a last `error` event
 * naming the failure and telling EventSource to wait an hour rather than
 * reconnect into it, and /health and /health/ready report the ledger failed
 * from then on, as documented.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';
import { imposition } from '../support/stored-events.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/damaged-file-http', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let t: TestApp | undefined;

  /**
   * 20,000 impositions, written in one transaction: more than the read model keeps in memory for the feeds (up to
   * 8,192), so a feed from the start reads the middle of the file, where the damage goes. One running ledger for
   * both tests: each meets the damage on its own.
   */
  beforeAll(async () => {
    dir = tempDir();
    const written = join(dir.path, 'written.db');
    const store = new SqliteEventStore(written);
    await store.inWriteTransaction((tx) => {
      for (let i = 0; i < 20_000; i++) tx.append(`measure-m${i}`, [imposition(`m${i}`, ['acme'])], 'no_stream');
    });
    await store.close();
    // A copy of the closed file: the ledger runs on a file no other connection ever had open.
    path = join(dir.path, 'ledger.db');
    copyFileSync(written, path);
    const page = middleLeafOfEvents(written);
    const running = new SqliteEventStore(path);
    t = await startTestApp({ store: running });
    await t.http.get('/health/ready').expect(200);
    running.pragma('cache_size = 0'); // read from the file, not from pages cached before the damage
    scribblePage(path, page);
  });

  afterAll(async () => {
    SseConnection.closeAll();
    await t?.close();
    dir.remove();
  });

  const address = () => {
    const { port } = t!.app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${port}`;
  };

  it('the ledger feed that meets the damage ends with an error event naming it, and a retry of an hour', async () => {
    await t!.app.listen(0, '127.0.0.1');
    const feed = await SseConnection.open(`${address()}/v1/changes?after=0`, bearer('reader'));
    await feed.until((c) => c.ended, 20_000);
    expect(feed.status).toBe(200);
    const last = feed.messages.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringContaining(`${path} is damaged`),
      details: [expect.objectContaining({ field: 'store', rule: 'storage-usable' })],
      resumeFrom: feed.messages.length > 1 ? feed.messages.at(-2)!.id : '0',
    });
    expect(feed.retry).toBe(3_600_000);
  });

  it('once a request met the damage, /health answers 503 failed and /health/ready 503, naming the file', async () => {
    // Pages through the log until one meets the damaged page.
    let after = '0';
    let events = await t!.http.get(`/v1/events?after=${after}&limit=1000`).set(bearer('reader'));
    while (events.status === 200 && events.body.next) {
      after = events.body.next;
      events = await t!.http.get(`/v1/events?after=${after}&limit=1000`).set(bearer('reader'));
    }
    expect(events.status).toBe(503);
    expect(events.headers['retry-after']).toBeUndefined(); // waiting will not mend the file
    const health = await t!.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'failed', reason: expect.stringContaining(`${path} is damaged`) });
    const ready = await t!.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not-ready', reason: expect.stringContaining(`${path} is damaged`) });
  });
});

/**
 * The middle leaf page of the events table (pages numbered from 1): the rows a read of the log goes through. The
 * middle page of the file may hold an index instead (event ids are random), which those reads never touch.
 */
function middleLeafOfEvents(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const leaves = db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno")
      .pluck()
      .all() as number[];
    return leaves[Math.floor(leaves.length / 2)]!;
  } finally {
    db.close();
  }
}

/** Overwrites one whole page with bytes that are no b-tree page. */
function scribblePage(path: string, pageno: number, pageSize = 4096): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
