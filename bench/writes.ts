/**
 * The write path against this machine's own ceiling, measured in the same run:
 * raw better-sqlite3 on the project's schema (WAL, synchronous=FULL), as
 * one-row commits/s and as rows/s in 1,000-row transactions. Every write
 * figure of bench/run.ts is printed as a ratio to one of the two.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { packageRoot } from '../src/package-root.js';
import type { LedgerCommand } from '../src/domain/messages.js';
import type { CommandExecutor } from '../src/ledger/command-executor.js';
import { httpRequest, startServer, timedWorkers } from './lib.js';

const run = promisify(execFile);

export interface Ceiling {
  oneRowCommitsPerSecond: number;
  rowsPerSecondIn1000RowTransactions: number;
}

/** What the disk and SQLite allow, with nothing of regledger but its schema and its durability settings. */
export function sqliteCeiling(work: string, commits: number, rows: number): Ceiling {
  const path = join(mkdtempSync(join(work, 'ceiling-')), 'ledger.db');
  void new SqliteEventStore(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const data = JSON.stringify({ measureId: 'm0', subjects: ['s0'], effectiveFrom: '2019-01-01T00:00:00.000Z' });
  const metadata = JSON.stringify({ actor: 'bench', hash: 'x'.repeat(64), recordedAt: new Date().toISOString() });
  let n = 0;
  const row = () =>
    insert.run(randomUUID(), `measure-m${n % 100}`, n++, 'SubjectsAdded', data, metadata, new Date().toISOString());
  const oneRow = db.transaction(row);
  let t0 = performance.now();
  for (let i = 0; i < commits; i++) oneRow.immediate();
  const oneRowCommitsPerSecond = Math.round(commits / ((performance.now() - t0) / 1000));
  const thousand = db.transaction(() => {
    for (let i = 0; i < 1000; i++) row();
  });
  t0 = performance.now();
  for (let i = 0; i < rows / 1000; i++) thousand.immediate();
  const rowsPerSecondIn1000RowTransactions = Math.round(rows / ((performance.now() - t0) / 1000));
  db.close();
  return { oneRowCommitsPerSecond, rowsPerSecondIn1000RowTransactions };
}

// Canonical instants: the commands go to the executor as they are, as well as through validation (HTTP, import).
export const imposition = (m: number): LedgerCommand => ({
  type: 'ImposeRestriction',
  measureId: `m${m}`,
  title: 't',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['s0'],
  categories: ['exports'],
  effectiveFrom: '2019-01-01T00:00:00.000Z',
});
export const addition = (m: number, i: number): LedgerCommand => ({
  type: 'AddSubjects',
  measureId: `m${m}`,
  subjects: [`s${i}`],
  effectiveFrom: '2019-01-01T00:00:00.000Z',
});

/**
 * `count` single-event commands through an executor, `workers` at a time, timed; their measures are imposed first,
 * untimed, and `timing` is called between the two.
 */
export async function timedCommands(executor: CommandExecutor, workers: number, count: number, timing = () => {}) {
  const measures = Math.ceil(count / 10);
  for (let m = 0; m < measures; m++) await executor.execute({ command: imposition(m) }, { actor: 'bench' });
  timing();
  return timedWorkers(workers, count, (i) =>
    executor.execute({ command: addition(i % measures, i) }, { actor: 'bench' }),
  );
}

/** `count` commands, one event each: measures of ten (an imposition, then nine additions), in order. */
export function commandFile(count: number): object[] {
  return Array.from({ length: count }, (_, i) =>
    i % 10 === 0 ? imposition(Math.floor(i / 10)) : addition(Math.floor(i / 10), i),
  );
}

/** `regledger import` of a command file, the whole process timed: start-up, validation, deciding, writing. */
export async function importRun(work: string, count: number): Promise<{ eventsPerSecond: number }> {
  const dir = mkdtempSync(join(work, 'import-'));
  const file = join(dir, 'commands.ndjson');
  writeFileSync(
    file,
    commandFile(count)
      .map((c) => JSON.stringify(c))
      .join('\n'),
  );
  const t0 = performance.now();
  await run(process.execPath, [join(packageRoot(), 'dist/src/cli/main.js'), 'import', file], {
    env: { ...process.env, LEDGER_DATA_DIR: dir, LEDGER_DEMO: 'off' },
    maxBuffer: 1 << 24,
  });
  return { eventsPerSecond: Math.round(count / ((performance.now() - t0) / 1000)) };
}

/** POST /v1/commands/batch, `perBatch` commands a request, one request after another. */
export async function batchRun(work: string, count: number, perBatch: number): Promise<{ eventsPerSecond: number }> {
  const key = { name: 'bench', role: 'writer' as const, value: 'bench-writer-key' };
  const server = await startServer(mkdtempSync(join(work, 'batch-')), key);
  const commands = commandFile(count);
  const t0 = performance.now();
  for (let start = 0; start < count; start += perBatch) {
    const response = await httpRequest(`${server.url}/v1/commands/batch`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${key.value}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `bench-${start}`,
      },
      body: JSON.stringify(commands.slice(start, start + perBatch)),
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  }
  const eventsPerSecond = Math.round(count / ((performance.now() - t0) / 1000));
  server.child.kill();
  return { eventsPerSecond };
}
