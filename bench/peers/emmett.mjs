// Emmett's SQLite event store under the workloads of bench/run.ts, in its own
// process. Shared connection (its default per-call connections fail under
// concurrent writers), WAL and synchronous=FULL like regledger's store.
// Usage: node emmett.mjs <workload> <n> <ledger.json?>   → prints JSON
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [workload, nArg, ledgerFile] = process.argv.slice(2);
const n = Number(nArg);
const dir = mkdtempSync(join(tmpdir(), 'emmett-bench-'));
const fileName = join(dir, 'emmett.db');
const connection = sqliteConnection({ fileName });
await connection.command('PRAGMA journal_mode = WAL');
await connection.command('PRAGMA synchronous = FULL');
const store = getSQLiteEventStore({
  fileName,
  connectionOptions: { singleton: true, connection },
  schema: { autoMigration: 'CreateOrUpdate' },
});
const event = (i) => ({
  type: 'SubjectsAdded',
  data: { measureId: `m${i % 100}`, subjects: [`s${i}`], effectiveFrom: '2019-01-01T00:00:00.000Z' },
});

function summary(latencies, seconds) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return {
    events: latencies.length,
    eventsPerSecond: Math.round(latencies.length / seconds),
    p50: at(50),
    p99: at(99),
  };
}

async function appends(workers) {
  const versions = new Map();
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; i < n; i += workers) {
        const stream = `measure-w${w}-${Math.floor(i / (10 * workers))}`;
        const expected = versions.get(stream) ?? 0n;
        const t0 = performance.now();
        const result = await store.appendToStream(stream, [event(i)], { expectedStreamVersion: expected });
        latencies.push(performance.now() - t0);
        versions.set(stream, result.nextExpectedStreamVersion);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
}

async function load(ledger) {
  const versions = new Map();
  const latencies = [];
  const started = performance.now();
  for (const e of ledger) {
    const t0 = performance.now();
    const result = await store.appendToStream(e.streamId, [{ type: e.type, data: e.data }], {
      expectedStreamVersion: versions.get(e.streamId) ?? 0n,
    });
    latencies.push(performance.now() - t0);
    versions.set(e.streamId, result.nextExpectedStreamVersion);
  }
  return summary(latencies, (performance.now() - started) / 1000);
}

let result;
if (workload === 'sequential') result = await appends(1);
else if (workload === 'concurrent16') result = await appends(16);
else if (workload === 'bulk' || workload === 'aggregate') {
  const ledger = JSON.parse(readFileSync(ledgerFile, 'utf8'));
  const bulk = await load(ledger);
  if (workload === 'bulk') result = bulk;
  else {
    // aggregateStream of a random measure up to a random version: Emmett's way to read one stream as of a point.
    const streams = [...new Set(ledger.map((e) => e.streamId))];
    const latencies = [];
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < n; i++) {
      const stream = streams[Math.floor(rnd() * streams.length)];
      const to = BigInt(1 + Math.floor(rnd() * 100));
      const t0 = performance.now();
      await store.aggregateStream(stream, {
        evolve: (state, e) => state + (e.type ? 1 : 0),
        initialState: () => 0,
        read: { to },
      });
      latencies.push(performance.now() - t0);
    }
    const sorted = latencies.sort((a, b) => a - b);
    result = { queries: n, p50: sorted[Math.floor(sorted.length / 2)], p99: sorted[Math.floor(sorted.length * 0.99)] };
  }
}
connection.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
