/** Shared pieces of the benchmarks: percentiles, medians with spread, the machine, store fixtures. */
import Database from 'better-sqlite3';
import { cpus, totalmem } from 'node:os';
import type { LogEvent } from '../projections/ledger-read-model.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median of several runs, with their range. */
export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: round(sorted[Math.floor(sorted.length / 2)]!), min: round(sorted[0]!), max: round(sorted[sorted.length - 1]!) };
}

export function latencySummary(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { events: latencies.length, eventsPerSecond: Math.round(latencies.length / seconds), p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

export function machine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Writes a ledger into an embedded store file in bulk (a fixture, not the append path). */
export function writeStore(path: string, ledger: LogEvent[]): void {
  new SqliteEventStore(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare('INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const e of ledger) {
      insert.run(e.position, e.eventId, e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify({ actor: 'bench', recordedAt: e.recordedAt }), e.recordedAt);
    }
  })();
  db.close();
}
