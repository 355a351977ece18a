/**
 * regledger against its peers, side by side, in one run:
 *   npm run bench             # full
 *   npm run bench -- --quick  # under two minutes
 *   npm run bench -- --writes # the write figures only, against this machine's SQLite ceiling
 *   npm run bench -- --fanout [--quick] # 1,000 SSE subscribers on one instance (bench/fanout.ts), alone
 *   npm run bench -- --scale [--quick]  # 10M (1M) events: fold, memory, snapshot, restart, queries (bench/scale.ts), alone
 *   npm run bench -- --http [--quick]  # HTTP against a bare node:http server sending the same bytes (bench/http.ts)
 *   npm run bench -- --eventstoredb [--quick]  # commands on the EventStoreDB adapter, over the wire-level server
 * Prints a Markdown table and writes bench/results/latest.json. Each figure is
 * the median of several runs with their range; generating data is not timed.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { evolve, initialState } from '../projections/ledger-read-model.js';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';
import { checkCategory, subjectState } from '../projections/subject-queries.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { CommandExecutor } from '../src/ledger/command-executor.js';
import { packageRoot } from '../src/package-root.js';
import { buildReadModel } from '../src/queries/read-model.service.js';
import { generateLedger, random, type LedgerShape } from './generate-ledger.js';
import { httpBench } from './http.js';
import { eventStoreDbWrites } from './eventstoredb-writes.js';
import {
  addition as additionCommand,
  batchRun,
  imposition,
  importRun,
  sqliteCeiling,
  timedCommands,
} from './writes.js';
import {
  httpRequest,
  latencySummary,
  machine,
  percentile,
  round,
  spread,
  startServer,
  timedWorkers,
  writeStore,
  type Spread,
} from './lib.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');
const writesOnly = process.argv.includes('--writes');
const RUNS = 3;
const APPENDS = quick ? 200 : 2000;
const BULK = quick ? 5_000 : 100_000;
const SIZES: (LedgerShape & { label: string; naiveQueries: number; peer: boolean })[] = [
  { label: '10k', measures: 100, subjects: 500, eventsPerMeasure: 100, naiveQueries: 100, peer: true },
  ...(quick
    ? []
    : [{ label: '100k', measures: 1_000, subjects: 5_000, eventsPerMeasure: 100, naiveQueries: 20, peer: true }]),
  ...(quick
    ? []
    : [{ label: '1M', measures: 10_000, subjects: 50_000, eventsPerMeasure: 100, naiveQueries: 3, peer: false }]),
];
const ROOT = packageRoot();
const PEERS = join(ROOT, 'bench', 'peers');
const work = mkdtempSync(join(tmpdir(), 'regledger-bench-'));

interface Row {
  section: string;
  workload: string;
  unit: string;
  regledger: Spread;
  against: string;
  other?: Spread;
  /** regledger / other, where higher is better for regledger when the unit is a rate. */
  ratio?: number;
}
const rows: Row[] = [];

function addRow(
  section: string,
  workload: string,
  unit: string,
  regledger: number[],
  against: string,
  other?: number[],
) {
  const r = spread(regledger);
  const o = other && spread(other);
  const ratio = o ? Number((r.median / o.median).toPrecision(2)) : undefined;
  rows.push({ section, workload, unit, regledger: r, against, ...(o ? { other: o, ratio } : {}) });
  console.error(`${section} / ${workload}: ${r.median} ${unit}${o ? ` vs ${against} ${o.median} (×${ratio})` : ''}`);
}

async function times<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < n; i++) results.push(await f(i));
  return results;
}

function ensurePeers(): Promise<unknown> {
  if (existsSync(join(PEERS, 'node_modules', '@event-driven-io', 'emmett-sqlite'))) return Promise.resolve();
  console.error('installing the peers in bench/peers (npm ci --legacy-peer-deps)…');
  return run('npm', ['ci', '--legacy-peer-deps', '--no-audit', '--no-fund'], { cwd: PEERS });
}

async function peer(workload: string, n: number, ledgerFile?: string) {
  const { stdout } = await run(
    process.execPath,
    [join(PEERS, 'emmett.mjs'), workload, String(n), ...(ledgerFile ? [ledgerFile] : [])],
    { maxBuffer: 1 << 26 },
  );
  return JSON.parse(stdout) as { eventsPerSecond: number; p50: number; p99: number };
}

const addition = (i: number) => ({
  eventId: randomUUID(),
  type: 'SubjectsAdded',
  data: { measureId: `m${i % 100}`, subjects: [`s${i}`], effectiveFrom: '2019-01-01T00:00:00.000Z' },
  metadata: {},
});

/** Store-level single-event appends, the workload Emmett runs too. */
async function storeAppends(workers: number) {
  const store = new SqliteEventStore(join(mkdtempSync(join(work, 'appends-')), 'ledger.db'));
  const revisions = new Map<string, bigint>();
  const summary = await timedWorkers(workers, APPENDS, async (i) => {
    const stream = `measure-w${i % workers}-${Math.floor(i / (10 * workers))}`;
    const expected = revisions.get(stream);
    const result = await store.append(stream, [addition(i)], expected === undefined ? 'no_stream' : expected);
    revisions.set(stream, result.nextExpectedRevision);
  });
  await store.close();
  return summary;
}

/** Whole commands in process: load the measure, decide, append. */
async function commandAppends(workers: number) {
  const store = new SqliteEventStore(join(mkdtempSync(join(work, 'commands-')), 'ledger.db'));
  const summary = await timedCommands(new CommandExecutor(store), workers, APPENDS);
  await store.close();
  return summary;
}

async function httpAppends(workers: number) {
  const key = { name: 'bench', role: 'writer' as const, value: 'bench-writer-key' };
  const server = await startServer(mkdtempSync(join(work, 'http-')), key);
  const post = async (command: object) => {
    const response = await httpRequest(`${server.url}/v1/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key.value}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(command),
    });
    if (response.status !== 201) throw new Error(`HTTP ${response.status}`);
  };
  const measures = Math.ceil(APPENDS / 10);
  for (let m = 0; m < measures; m++) await post(imposition(m));
  const summary = await timedWorkers(workers, APPENDS, (i) => post(additionCommand(i % measures, i)));
  server.child.kill();
  return summary;
}

async function bulkLoad(ledger: LoggedEvent[]) {
  const dir = mkdtempSync(join(work, 'bulk-'));
  const store = new SqliteEventStore(join(dir, 'ledger.db'));
  const revisions = new Map<string, bigint>();
  const latencies: number[] = [];
  const started = performance.now();
  for (const e of ledger) {
    const expected = revisions.get(e.streamId);
    const t0 = performance.now();
    const result = await store.append(
      e.streamId,
      [{ eventId: e.eventId, type: e.type, data: e.data, metadata: {} }],
      expected === undefined ? 'no_stream' : expected,
    );
    latencies.push(performance.now() - t0);
    revisions.set(e.streamId, result.nextExpectedRevision);
  }
  const summary = latencySummary(latencies, (performance.now() - started) / 1000);
  await store.close();
  return summary;
}

function queryLatencies(ledger: LoggedEvent[], shape: LedgerShape, count: number, naive: boolean) {
  const model = naive ? undefined : ledger.reduce(evolve, initialState());
  const rnd = random(5);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const subject = `s${Math.floor(rnd() * shape.subjects)}`;
    const at = Date.UTC(2015, 0, 1) + Math.floor(rnd() * 4000) * 86_400_000;
    const t0 = performance.now();
    // The naive fold: the whole log folded afresh for each question, as the test oracle does.
    const m = model ?? ledger.reduce(evolve, initialState());
    const k = { at, asOfPosition: m.position };
    if (i % 2) subjectState(m, subject, k);
    else checkCategory(m, subject, 'exports/c3', k);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

const peersInstalled = () => existsSync(join(PEERS, 'node_modules', '@event-driven-io', 'emmett-sqlite'));

/** Every write figure beside the raw SQLite ceiling measured in this same run, as a ratio to it. */
async function writeFigures() {
  const ceilings = await times(RUNS, async () => sqliteCeiling(work, quick ? 500 : 2000, quick ? 20_000 : 100_000));
  const ONE_ROW = 'raw SQLite one-row commits (same run)';
  const ROWS = 'raw SQLite rows/s in 1,000-row transactions (same run)';
  const oneRow = ceilings.map((c) => c.oneRowCommitsPerSecond);
  const rowsPerSecond = ceilings.map((c) => c.rowsPerSecondIn1000RowTransactions);
  addRow('ceiling', 'raw SQLite one-row commits, project schema, WAL, synchronous=FULL', 'commits/s', oneRow, '—');
  addRow(
    'ceiling',
    'raw SQLite rows in 1,000-row transactions, same schema and settings',
    'rows/s',
    rowsPerSecond,
    '—',
  );
  const emmett = peersInstalled();
  if (!emmett)
    console.error('Emmett is not installed in bench/peers: its rows are left out (a full `npm run bench` installs it)');

  const seq = await times(RUNS, () => storeAppends(1));
  addRow(
    'appends',
    `store: sequential single-event appends (${APPENDS})`,
    'events/s',
    seq.map((r) => r.eventsPerSecond),
    ONE_ROW,
    oneRow,
  );
  if (emmett) {
    const seqPeer = await times(RUNS, () => peer('sequential', APPENDS));
    addRow(
      'appends',
      'store: sequential single-event appends',
      'events/s',
      seq.map((r) => r.eventsPerSecond),
      'Emmett SQLite',
      seqPeer.map((r) => r.eventsPerSecond),
    );
  }
  addRow(
    'appends',
    'store: sequential: p99 latency',
    'ms',
    seq.map((r) => r.p99),
    '—',
  );
  const conc = await times(RUNS, () => storeAppends(16));
  addRow(
    'appends',
    'store: 16 concurrent writers',
    'events/s',
    conc.map((r) => r.eventsPerSecond),
    ONE_ROW,
    oneRow,
  );
  const concPeer = emmett ? await times(RUNS, () => peer('concurrent16', APPENDS)) : undefined;
  if (concPeer)
    addRow(
      'appends',
      'store: 16 concurrent writers',
      'events/s',
      conc.map((r) => r.eventsPerSecond),
      'Emmett SQLite',
      concPeer.map((r) => r.eventsPerSecond),
    );
  addRow(
    'appends',
    'store: 16 concurrent: p99 latency',
    'ms',
    conc.map((r) => r.p99),
    '—',
  );

  for (const workers of [1, 16, 64]) {
    const commands = await times(RUNS, () => commandAppends(workers));
    const label = workers === 1 ? 'sequential' : `${workers} concurrent`;
    addRow(
      'commands',
      `in process (load, decide, hash, append), ${label}`,
      'events/s',
      commands.map((r) => r.eventsPerSecond),
      ONE_ROW,
      oneRow,
    );
    if (workers === 16 && concPeer)
      addRow(
        'commands',
        'in process, 16 concurrent',
        'events/s',
        commands.map((r) => r.eventsPerSecond),
        'Emmett SQLite store appends, 16 concurrent',
        concPeer.map((r) => r.eventsPerSecond),
      );
  }
  for (const workers of [1, 16, 64]) {
    const http = await times(RUNS, () => httpAppends(workers));
    addRow(
      'commands',
      `over HTTP, ${workers === 1 ? 'sequential' : `${workers} concurrent`}`,
      'events/s',
      http.map((r) => r.eventsPerSecond),
      ONE_ROW,
      oneRow,
    );
    addRow(
      'commands',
      `over HTTP, ${workers === 1 ? 'sequential' : `${workers} concurrent`}: p99`,
      'ms',
      http.map((r) => r.p99),
      '—',
    );
  }
  const imports = await times(RUNS, () => importRun(work, BULK));
  addRow(
    'commands',
    `regledger import of ${BULK.toLocaleString('en')} commands, whole process`,
    'events/s',
    imports.map((r) => r.eventsPerSecond),
    ROWS,
    rowsPerSecond,
  );
  const batches = await times(RUNS, () => batchRun(work, BULK / 5, 1000));
  addRow(
    'commands',
    `POST /v1/commands/batch, ${(BULK / 5).toLocaleString('en')} commands in batches of 1,000`,
    'events/s',
    batches.map((r) => r.eventsPerSecond),
    ROWS,
    rowsPerSecond,
  );
}

/** The fan-out benchmark alone: its own table, and its figures in bench/results/fanout.json. */
async function fanoutOnly(): Promise<void> {
  const { stdout } = await run('node', [join(ROOT, 'dist/bench/fanout.js'), ...(quick ? ['--quick'] : [])], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  process.stdout.write(stdout);
  rmSync(work, { recursive: true, force: true });
}

/** The scale benchmark alone, in a process with room for ten million events; its progress shows as it goes. */
async function scaleOnly(): Promise<void> {
  const script = join(ROOT, 'dist/bench/scale.js');
  const args = ['--expose-gc', '--max-old-space-size=20000', script, ...(quick ? ['--quick'] : [])];
  const code = await new Promise<number | null>((resolve) =>
    spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' }).on('exit', resolve),
  );
  rmSync(work, { recursive: true, force: true });
  if (code !== 0) throw new Error(`bench/scale.js exited with ${code}`);
}

async function main() {
  if (process.argv.includes('--fanout')) return fanoutOnly();
  if (process.argv.includes('--scale')) return scaleOnly();
  if (process.argv.includes('--eventstoredb'))
    return eventStoreDbWrites(quick).finally(() => rmSync(work, { recursive: true, force: true }));
  if (process.argv.includes('--http')) return httpBench(quick);
  if (!writesOnly) await ensurePeers();
  await writeFigures();
  if (writesOnly) return finish();

  const bulkLedger = generateLedger({ measures: BULK / 100, subjects: BULK / 20, eventsPerMeasure: 100 }, 3);
  const bulkFile = join(work, 'bulk.json');
  writeFileSync(
    bulkFile,
    JSON.stringify(bulkLedger, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
  );
  const bulk = await times(RUNS, () => bulkLoad(bulkLedger));
  const bulkPeer = await times(RUNS, () => peer('bulk', BULK, bulkFile));
  addRow(
    'appends',
    `bulk load of a demo-shaped history (${BULK.toLocaleString('en')} events)`,
    'events/s',
    bulk.map((r) => r.eventsPerSecond),
    'Emmett SQLite',
    bulkPeer.map((r) => r.eventsPerSecond),
  );

  const growth: Record<string, number[]> = { regledger: [], naive: [], emmett: [] };
  for (const shape of SIZES) {
    const ledger = generateLedger(shape);
    const fast = await times(RUNS, async () => queryLatencies(ledger, shape, 5000, false));
    const naive = await times(1, async () => queryLatencies(ledger, shape, shape.naiveQueries, true));
    addRow(
      'queries',
      `state/check at ${shape.label} events: p50`,
      'ms',
      fast.map((r) => r.p50),
      'naive fold of the log',
      naive.map((r) => r.p50),
    );
    addRow(
      'queries',
      `state/check at ${shape.label} events: p99`,
      'ms',
      fast.map((r) => r.p99),
      'naive fold of the log',
      naive.map((r) => r.p99),
    );
    growth.regledger!.push(spread(fast.map((r) => r.p50)).median);
    growth.naive!.push(naive[0]!.p50);
    if (shape.peer) {
      const file = join(work, `ledger-${shape.label}.json`);
      writeFileSync(
        file,
        JSON.stringify(ledger, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
      );
      const emmett = await peer('aggregate', 1000, file);
      addRow(
        'queries',
        `one measure as of a version at ${shape.label} events: p50`,
        'ms',
        fast.map((r) => r.p50),
        "Emmett's aggregateStream",
        [emmett.p50],
      );
      growth.emmett!.push(emmett.p50);
    }
    const dir = mkdtempSync(join(work, 'rebuild-'));
    writeStore(join(dir, 'ledger.db'), ledger);
    const rebuilds = await times(shape.label === '1M' ? 1 : RUNS, async () => {
      const store = new SqliteEventStore(join(dir, 'ledger.db'));
      const { stats } = await buildReadModel(store);
      await store.close();
      return stats.eventsPerSecond;
    });
    addRow(
      'rebuild',
      `read model from SQLite, ${shape.label} events`,
      'events/s',
      rebuilds,
      'in-memory fold (no store)',
      [
        Math.round(
          ledger.length /
            ((() => {
              const t0 = performance.now();
              ledger.reduce(evolve, initialState());
              return performance.now() - t0;
            })() /
              1000),
        ),
      ],
    );
    rmSync(dir, { recursive: true, force: true });
  }

  await run('node', [join(ROOT, 'dist/bench/changes.js'), ...(quick ? ['--quick'] : [])], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  const changes = JSON.parse(readFileSync(join(ROOT, 'bench/results/changes.json'), 'utf8')) as {
    p50: number;
    p99: number;
    subscribers: number;
  };
  addRow(
    'changes',
    `append → delivery, ${changes.subscribers} SSE subscribers: p50`,
    'ms',
    [changes.p50],
    'p99 aim',
    [50],
  );
  addRow(
    'changes',
    `append → delivery, ${changes.subscribers} SSE subscribers: p99`,
    'ms',
    [changes.p99],
    'p99 aim',
    [50],
  );

  finish(growth);
}

function finish(growth: Record<string, number[]> = { regledger: [], naive: [], emmett: [] }) {
  const ratio = (xs: number[]) => (xs.length > 1 ? round(xs[xs.length - 1]! / xs[0]!, 2) : undefined);
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    quick,
    ...(writesOnly ? { writesOnly } : {}),
    durability:
      'regledger: SQLite WAL, synchronous=FULL, one connection; Emmett: SQLite WAL, synchronous=FULL, one shared connection (sqlite3 5.1.7)',
    datasets:
      'bench/generate-ledger.ts: 100 events per measure, subjects in ~3 measures each; append workloads: SubjectsAdded events on 10-event streams',
    runs: RUNS,
    rows,
    queryP50Growth: {
      regledger: ratio(growth.regledger!),
      naiveFold: ratio(growth.naive!),
      emmettAggregateStream: ratio(growth.emmett!),
    },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'results', writesOnly ? 'writes.json' : 'latest.json'),
    JSON.stringify(result, null, 2),
  );
  console.log(renderTable(result));
}

type BenchResult = {
  date: string;
  machine: string;
  quick: boolean;
  durability: string;
  datasets: string;
  runs: number;
  rows: Row[];
  queryP50Growth: Record<string, number | undefined>;
};

/** The Markdown table of a result (`--render` prints the last one without running anything). */
function renderTable(result: BenchResult): string {
  const cell = (s?: Spread) => (!s ? '—' : s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`);
  const g = result.queryP50Growth;
  return [
    `regledger benchmarks, ${result.date.slice(0, 10)}, ${result.machine}${result.quick ? ', --quick' : ''}.`,
    `Durability: ${result.durability}. Data: ${result.datasets}. Median of ${result.runs} runs with their range in brackets; a cell without a range is a single run.`,
    '',
    '| section | workload | unit | regledger | against | their figure | ratio (regledger / theirs) |',
    '|---|---|---|---|---|---|---|',
    ...result.rows.map(
      (r) =>
        `| ${r.section} | ${r.workload} | ${r.unit} | ${cell(r.regledger)} | ${r.against} | ${cell(r.other)} | ${r.ratio ?? '—'} |`,
    ),
    '',
    `Query p50 growth from the smallest to the largest ledger: regledger ×${g.regledger ?? '—'}, naive fold ×${g.naiveFold ?? '—'}, Emmett aggregateStream ×${g.emmettAggregateStream ?? '—'} (Emmett up to 100k events: loading a million events into it takes about 20 minutes here).`,
  ].join('\n');
}

if (process.argv.includes('--render')) {
  const result = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as BenchResult;
  // Older results rounded small ratios to 0: recompute them from the medians.
  for (const row of result.rows)
    if (row.other) row.ratio = Number((row.regledger.median / row.other.median).toPrecision(2));
  console.log(renderTable(result));
  rmSync(work, { recursive: true, force: true });
} else {
  try {
    await main();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
