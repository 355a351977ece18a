/**
 * How long durable appends hold the event loop. Writers append to the
 * embedded store as fast as it acknowledges them, while a histogram records
 * the loop's delay; beside it, the same commits made the way the store made
 * them before (better-sqlite3, synchronous=FULL: each commit waits for its
 * fsync on the loop's thread), timed one by one.
 *
 *   npm run build && node dist/bench/commit-hold.js [appends=3000] [writers=4]
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { machine, round } from './lib.js';

const APPENDS = Number(process.argv[2] ?? 3000);
const WRITERS = Number(process.argv[3] ?? 4);
const data = { measureId: 'm', subjects: ['s'], effectiveFrom: '2019-01-01T00:00:00.000Z', note: 'x'.repeat(600) };
const ms = (ns: number) => round(ns / 1e6);

const dir = mkdtempSync(join(tmpdir(), 'regledger-commit-hold-'));
console.log(
  `Commit hold, ${new Date().toISOString().slice(0, 16)}, ${machine()}: ${APPENDS} appends, ${WRITERS} writers`,
);

const store = new SqliteEventStore(join(dir, 'ledger.db'));
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const started = performance.now();
let left = APPENDS;
await Promise.all(
  Array.from({ length: WRITERS }, async (_, w) => {
    while (left-- > 0)
      await store.append(
        `measure-m${w}`,
        [{ eventId: randomUUID(), type: 'SubjectsAdded', data, metadata: {} }],
        'any',
      );
  }),
);
const seconds = (performance.now() - started) / 1000;
delay.disable();
await store.close();
console.log(
  `store (WAL synced in the thread pool): ${Math.round(APPENDS / seconds)} appends/s; event loop delay p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`,
);

// The same commits as before: a transaction that fsyncs on the loop's thread, each one holding it.
const db = new Database(join(dir, 'full.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT, data TEXT)');
const insert = db.prepare('INSERT INTO events (stream_id, data) VALUES (?, ?)');
const commit = db.transaction(() => insert.run('measure-m', JSON.stringify(data)));
const holds: number[] = [];
for (let i = 0; i < Math.ceil(APPENDS / WRITERS); i++) {
  const t = performance.now();
  commit();
  holds.push(performance.now() - t);
}
db.close();
holds.sort((a, b) => a - b);
const at = (q: number) => round(holds[Math.min(holds.length - 1, Math.floor(q * holds.length))]!);
console.log(
  `synchronous=FULL on the loop (as before), one commit per group of ${WRITERS}: each holds the loop p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${round(holds.at(-1)!)} ms`,
);
rmSync(dir, { recursive: true, force: true });
