/** Shared pieces of the benchmarks: percentiles, medians with spread, the machine, store fixtures. */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';
import { contentHash } from '../src/integrity/event-hash.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { packageRoot } from '../src/package-root.js';

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
  return {
    median: round(sorted[Math.floor(sorted.length / 2)]!),
    min: round(sorted[0]!),
    max: round(sorted[sorted.length - 1]!),
  };
}

export function latencySummary(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    events: latencies.length,
    eventsPerSecond: Math.round(latencies.length / seconds),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
  };
}

export function machine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Writes a ledger into an embedded store file in bulk (a fixture, not the append path). */
export function writeStore(path: string, ledger: LoggedEvent[]): void {
  void new SqliteEventStore(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    'INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // Hashed and chained per stream as the ledger writes them, so `verify` accepts the fixture.
  const lastHash = new Map<string, string>();
  db.transaction(() => {
    for (const e of ledger) {
      const metadata = { actor: 'bench' };
      const hash = contentHash({ type: e.type, data: e.data, metadata }, lastHash.get(e.streamId) ?? null);
      lastHash.set(e.streamId, hash);
      insert.run(
        e.position,
        e.eventId,
        e.streamId,
        e.revision,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify({ ...metadata, hash, recordedAt: e.recordedAt }),
        e.recordedAt,
      );
    }
  })();
  db.close();
}

/** Runs `count` operations split over `workers` concurrent loops, timing each. */
export async function timedWorkers(workers: number, count: number, operation: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; i < count; i += workers) {
        const t0 = performance.now();
        await operation(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencySummary(latencies, (performance.now() - started) / 1000);
}

export interface BenchServer {
  url: string;
  child: ChildProcess;
}

/** Stops a server and waits until it has exited: its data directory can be removed only once it no longer writes. */
export async function stopServer(
  child: Pick<ChildProcess, 'kill' | 'once' | 'exitCode' | 'signalCode'>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

/**
 * Starts `regledger serve` in its own process on a data directory, with one
 * API key, and resolves once it listens and its read model has caught up.
 */
export async function startServer(
  dataDir: string,
  key: { name: string; role: 'reader' | 'writer' | 'admin'; value: string },
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const env = {
    ...process.env,
    LEDGER_DATA_DIR: dataDir,
    LEDGER_DEMO: 'off',
    PORT: '0',
    LEDGER_API_KEYS: `${key.name}:${key.role}:${createHash('sha256').update(key.value).digest('hex')}`,
  };
  const child = spawn(process.execPath, [...nodeArgs, join(packageRoot(), 'dist/src/cli/main.js'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout })) {
    const url = /listening on (\S+)/.exec(line)?.[1];
    if (!url) continue;
    child.stdout.resume();
    for (;;) {
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
      if (health.status === 'ok') return { url, child };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error('the server exited before it listened');
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * One HTTP request over a keep-alive agent, answering status and body. Lighter
 * than fetch, whose client side alone costs about 0.9 ms a request here and
 * would otherwise dominate what the benchmark attributes to the server.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: keepAlive },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
