/**
 * Point-in-time query benchmark: state and check in process at growing ledger
 * sizes, over HTTP with 50 concurrent clients, rebuilding the read model from
 * the SQLite store, and the server's memory per event.
 *
 *   npm run bench:queries            # 10k, 100k and 1M events
 *   npm run bench:queries -- --quick # 10k and 100k events
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve, initialState, type LedgerReadModel } from '../projections/ledger-read-model.js';
import { checkCategory, subjectState } from '../projections/subject-queries.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { packageRoot } from '../src/package-root.js';
import { buildReadModel } from '../src/queries/read-model.service.js';
import { benchSizes, generateLedger, random, type LedgerShape } from './generate-ledger.js';
import { httpRequest, percentile, round, startServer, writeStore } from './lib.js';

const quick = process.argv.includes('--quick');
const SIZES = benchSizes(quick);
const QUERIES = 20_000;
const CATEGORIES = ['exports', 'exports/c3', 'exports/c3/y', 'services/finance', 'services/s2'];
const DAY = 86_400_000;

const ms = (x: number) => round(x);

/**
 * Times a fixed sequence of queries. Run twice on one model: the first run
 * mostly meets measures no query has resolved yet ("cold"); the second finds
 * them cached ("warm"), as a running server mostly does.
 */
function timeQueries(model: LedgerReadModel, shape: LedgerShape, kind: 'state' | 'check', historical: boolean) {
  const rnd = random(kind === 'state' ? 7 : 8);
  const samples: number[] = [];
  const head = Number(model.position);
  for (let i = 0; i < QUERIES; i++) {
    const subject = `s${Math.floor(rnd() * shape.subjects)}`;
    const k = {
      at: Date.UTC(2015, 0, 1) + Math.floor(rnd() * 4000) * DAY,
      asOfPosition: BigInt(historical ? Math.floor(rnd() * head) : head),
    };
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const started = performance.now();
    if (kind === 'state') subjectState(model, subject, k);
    else checkCategory(model, subject, category, k);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: ms(percentile(samples, 50)), p99: ms(percentile(samples, 99)) };
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function httpLoad(url: string, key: string, shape: LedgerShape, clients: number, perClient: number) {
  const rnd = random(11);
  const samples: number[] = [];
  const headers = { Authorization: `Bearer ${key}` };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) {
        const subject = `s${Math.floor(rnd() * shape.subjects)}`;
        const at = new Date(Date.UTC(2015, 0, 1) + Math.floor(rnd() * 4000) * DAY).toISOString().slice(0, 10);
        const path = i % 2 ? `state?at=${at}` : `check?category=exports/c3&at=${at}`;
        const t0 = performance.now();
        const response = await httpRequest(`${url}/v1/subjects/${subject}/${path}`, { headers });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    perSecond: Math.round(samples.length / seconds),
    p50: ms(percentile(samples, 50)),
    p99: ms(percentile(samples, 99)),
  };
}

async function main() {
  const results: Record<string, unknown>[] = [];
  const key = 'bench-reader-key';
  const workDir = mkdtempSync(join(tmpdir(), 'regledger-bench-'));
  try {
    const emptyDir = join(workDir, 'empty');
    const baseline = await startServer(emptyDir, { name: 'bench', role: 'reader', value: key });
    const baselineRss = rssBytes(baseline.child.pid!);
    baseline.child.kill();

    for (const shape of SIZES) {
      const ledger = generateLedger(shape);
      const foldStart = performance.now();
      const model = ledger.reduce(evolve, initialState());
      const foldSeconds = (performance.now() - foldStart) / 1000;
      const row: Record<string, unknown> = {
        size: shape.label,
        events: ledger.length,
        measures: shape.measures,
        subjects: shape.subjects,
        inMemoryFoldPerSecond: Math.round(ledger.length / foldSeconds),
        stateCold: timeQueries(model, shape, 'state', false),
        state: timeQueries(model, shape, 'state', false),
        checkCold: timeQueries(model, shape, 'check', false),
        check: timeQueries(model, shape, 'check', false),
        stateHistorical: timeQueries(model, shape, 'state', true),
        checkHistorical: timeQueries(model, shape, 'check', true),
      };
      const dataDir = join(workDir, shape.label);
      mkdirSync(dataDir, { recursive: true });
      writeStore(join(dataDir, 'ledger.db'), ledger);
      const store = new SqliteEventStore(join(dataDir, 'ledger.db'));
      row.rebuild = (await buildReadModel(store)).stats;
      await store.close();

      const server = await startServer(dataDir, { name: 'bench', role: 'reader', value: key });
      const rss = rssBytes(server.child.pid!);
      row.serverRssMiB = Math.round(rss / 2 ** 20);
      row.serverRssBytesPerEvent = Math.round((rss - baselineRss) / ledger.length);
      row.http = await httpLoad(server.url, key, shape, 50, quick ? 100 : 200);
      server.child.kill();
      results.push(row);
      console.error(JSON.stringify(row));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `Point-in-time queries, ${new Date().toISOString().slice(0, 10)}, ${machine}; synthetic ledger (bench/generate-ledger.ts), 100 events per measure, 5 subjects per measure per 500 events; queries at random subjects and valid times, asOf = head unless "historical" (random asOfPosition).`,
    '',
    '| events | state cold p50 / p99 ms | state warm p50 / p99 ms | check cold p50 / p99 ms | check warm p50 / p99 ms | historical state p50 / p99 ms | HTTP 50 clients p50 / p99 ms (req/s) | rebuild from SQLite ev/s | server RSS bytes/event |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r: any) =>
        `| ${r.events.toLocaleString('en')} | ${r.stateCold.p50} / ${r.stateCold.p99} | ${r.state.p50} / ${r.state.p99} | ${r.checkCold.p50} / ${r.checkCold.p99} | ${r.check.p50} / ${r.check.p99} | ${r.stateHistorical.p50} / ${r.stateHistorical.p99} | ${r.http.p50} / ${r.http.p99} (${r.http.perSecond}) | ${r.rebuild.eventsPerSecond.toLocaleString('en')} | ${r.serverRssBytesPerEvent} |`,
    ),
  ];
  const first = results[0] as any;
  const last = results[results.length - 1] as any;
  const growth = (key: string) => (last[key].p50 / first[key].p50).toFixed(2);
  lines.push(
    '',
    `p50 growth ${first.size} → ${last.size}: state cold ×${growth('stateCold')}, warm ×${growth('state')}; check cold ×${growth('checkCold')}, warm ×${growth('check')}`,
  );
  console.log(lines.join('\n'));
  const out = join(packageRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'queries.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), quick, results }, null, 2),
  );
}

await main();
