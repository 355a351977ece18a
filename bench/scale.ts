/**
 * Scale: a ledger of 10,000,000 events (1,000,000 with --quick) on the
 * embedded store, and what it costs to serve it from one instance:
 *
 * - folding the whole log from scratch (what every start cost before snapshots);
 * - memory: the heap after gc, per event folded (aim ≤ 300 B);
 * - a snapshot of the read model: write time, size, and the longest the
 *   event loop was held by one chunk;
 * - a restart of a real `regledger serve` to /health/ready from that snapshot
 *   (aim ≤ 10 s), and with --quick from scratch too, for comparison;
 * - state and check queries in process over random subjects and instants
 *   (aim p99 ≤ 2 ms).
 *
 *   npm run bench -- --scale [--quick]    (or node --expose-gc --max-old-space-size=20000 dist/bench/scale.js [--quick])
 *
 * The ledger is written in bulk (rows with their hashes, chained per stream,
 * in big transactions), not through commands: building it is not the measure.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkCategory, subjectState } from '../projections/subject-queries.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { contentHash, storedHash } from '../src/integrity/event-hash.js';
import { packageRoot } from '../src/package-root.js';
import { ledgerIdentity, writeSnapshot } from '../src/queries/read-model-snapshot.js';
import { SNAPSHOT_FILE } from '../src/queries/read-model-snapshots.js';
import { buildReadModel } from '../src/queries/read-model.service.js';
import { generateLedger, random } from './generate-ledger.js';
import { machine, percentile, round } from './lib.js';

const quick = process.argv.includes('--quick');
/** Prints what the server logs as it starts, with the time since it was spawned. */
const verbose = process.argv.includes('--verbose');
const EVENTS = Number(process.env.SCALE_EVENTS ?? (quick ? 1_000_000 : 10_000_000));
/** Generated and written a million events at a time: 10,000 measures of 100 events, 50,000 subjects per part. */
const PART = { measures: 10_000, subjects: 50_000, eventsPerMeasure: 100 };
const PART_EVENTS = PART.measures * PART.eventsPerMeasure;
const AIMS = { restartSeconds: 10, bytesPerEvent: 300, p99Ms: 2 };
const QUERIES = 20_000;
const KEY = 'bench-scale-reader-key';
const RECORD_START = Date.UTC(2025, 0, 1);

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
const seconds = (since: number) => round((performance.now() - since) / 1000, 2);

/** Writes `events` rows into a new ledger file, a million at a time. */
function buildLedger(file: string, events: number): { subjects: number } {
  void new SqliteEventStore(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const lastHash = new Map<string, string>();
  const parts = Math.ceil(events / PART_EVENTS);
  for (let part = 0; part < parts; part++) {
    // A ledger smaller than a part (SCALE_EVENTS, to try the benchmark out) keeps 100 events a measure.
    const measures = Math.min(PART.measures, Math.ceil(events / PART.eventsPerMeasure));
    const shape = { ...PART, measures, subjects: Math.min(PART.subjects, measures * 5) * parts };
    const ledger = generateLedger(shape, part + 1, part * PART.measures).slice(0, events - part * PART_EVENTS);
    db.transaction(() => {
      ledger.forEach((e, i) => {
        const position = part * PART_EVENTS + i + 1;
        const recordedAt = new Date(RECORD_START + position * 10).toISOString();
        const metadata = { actor: 'bench' };
        const hash = contentHash({ type: e.type, data: e.data, metadata }, lastHash.get(e.streamId) ?? null);
        lastHash.set(e.streamId, hash);
        insert.run(
          position,
          e.eventId,
          e.streamId,
          e.revision,
          e.type,
          JSON.stringify(e.data),
          JSON.stringify({ ...metadata, hash, recordedAt }),
          recordedAt,
        );
      });
    })();
    process.stderr.write(
      `  ledger: ${Math.min(events, (part + 1) * PART_EVENTS).toLocaleString('en')} events written\r`,
    );
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  process.stderr.write('\n');
  return { subjects: Math.min(PART.subjects, Math.ceil(events / PART.eventsPerMeasure) * 5) * parts };
}

/** `regledger serve` on the directory: seconds from the spawn to /health/ready answering 200, and what it logged. */
async function restartToReady(dataDir: string, snapshots: boolean): Promise<{ seconds: number; lines: string[] }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=20000', join(packageRoot(), 'dist/src/cli/main.js'), 'serve'],
    {
      env: {
        ...process.env,
        LEDGER_DATA_DIR: dataDir,
        LEDGER_DEMO: 'off',
        PORT: '0',
        LEDGER_API_KEYS: `bench:reader:${createHash('sha256').update(KEY).digest('hex')}`,
        ...(snapshots ? {} : { LEDGER_SNAPSHOT_DIR: 'off' }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let text = line;
      try {
        text = (JSON.parse(line) as { msg?: string }).msg ?? line;
      } catch {
        // the banner is plain text
      }
      lines.push(text);
      if (verbose) process.stderr.write(`  serve +${seconds(started)} s: ${text}\n`);
      const found = /listening on (\S+)/.exec(text)?.[1];
      if (found) resolve(found);
    });
    child.on('exit', () => reject(new Error(`serve exited:\n${lines.join('\n')}`)));
  });
  for (;;) {
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (response?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const took = seconds(started);
  // Killed, not stopped: a graceful stop would write a new snapshot, which is not what is measured.
  child.kill('SIGKILL');
  await exited;
  return { seconds: took, lines };
}

/** Folds the ledger in this process: time, heap per event, queries, and a snapshot written next to it. */
async function inProcess(file: string, subjects: number, dir: string) {
  // Opening checks the whole file (SQLite's quick_check, src/event-store/sqlite/open-ledger-file.ts): every start pays it.
  const opening = performance.now();
  const store = new SqliteEventStore(file);
  const openSeconds = seconds(opening);
  const heapBefore = heapAfterGc();
  const t = performance.now();
  let shown = 0;
  const { model, instants, stats } = await buildReadModel(store, (n) => {
    if (n - shown < 500_000) return;
    shown = n;
    process.stderr.write(`  fold: ${n.toLocaleString('en')} events\r`);
  });
  const foldSeconds = seconds(t);
  process.stderr.write('\n');
  const bytesPerEvent = Math.round((heapAfterGc() - heapBefore) / stats.events);

  // Queries over random subjects and valid times, at the head (as most are asked).
  const rnd = random(42);
  const head = model.position;
  const latencies = { state: [] as number[], check: [] as number[] };
  for (let i = 0; i < QUERIES; i++) {
    const subject = `s${Math.floor(rnd() * subjects)}`;
    const at = Date.UTC(2015, 0, 1) + Math.floor(rnd() * 3300) * 86_400_000;
    const k = { at, asOfPosition: rnd() < 0.8 ? head : BigInt(Math.floor(rnd() * Number(head))) };
    let q = performance.now();
    subjectState(model, subject, k);
    latencies.state.push(performance.now() - q);
    q = performance.now();
    checkCategory(model, subject, 'exports/c3', k);
    latencies.check.push(performance.now() - q);
  }
  const summary = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3) };
  };
  const state = summary(latencies.state);
  const check = summary(latencies.check);

  const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const written = await writeSnapshot(snapshotPath, model, instants, (await ledgerIdentity(store))!, {
    position: last!.position.toString(),
    streamId: last!.streamId,
    revision: last!.revision.toString(),
    eventId: last!.eventId,
    hash: storedHash(last!),
  });
  await store.close();
  return { stats, openSeconds, foldSeconds, bytesPerEvent, state, check, written };
}

function verdict(value: number, aim: number, unit: string): string {
  return value <= aim
    ? `met (aim ≤ ${aim} ${unit})`
    : `missed by ${round(value - aim, 2)} ${unit} (aim ≤ ${aim} ${unit})`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-scale-'));
  try {
    const file = join(dir, 'ledger.db');
    const t = performance.now();
    const { subjects } = buildLedger(file, EVENTS);
    const buildSeconds = seconds(t);

    // In a function of its own, so that the model is collected before the server loads its own.
    const { stats, openSeconds, foldSeconds, bytesPerEvent, state, check, written } = await inProcess(
      file,
      subjects,
      dir,
    );

    const fromSnapshot = await restartToReady(dir, true);
    const loadedLine = fromSnapshot.lines.find((l) => l.startsWith('started from the snapshot'));
    if (!loadedLine) throw new Error(`the server did not start from the snapshot:\n${fromSnapshot.lines.join('\n')}`);
    const snapshotLoadSeconds = Number(/loaded in ([\d.]+) s/.exec(loadedLine)?.[1]);
    const fromScratch = quick ? await restartToReady(dir, false) : undefined;

    const result = {
      machine: machine(),
      date: new Date().toISOString(),
      quick,
      events: stats.events,
      measures: stats.measures,
      subjects: stats.subjects,
      ledgerFileBytes: statSync(file).size,
      buildSeconds,
      openSeconds,
      foldSeconds,
      foldEventsPerSecond: Math.round(stats.events / foldSeconds),
      bytesPerEvent,
      snapshot: {
        bytes: written.bytes,
        writeSeconds: round(written.ms / 1000, 2),
        longestChunkMs: round(written.longestChunkMs, 1),
      },
      restartFromSnapshotSeconds: fromSnapshot.seconds,
      snapshotLoadSeconds,
      restartFromScratchSeconds: fromScratch?.seconds,
      state,
      check,
      aims: AIMS,
    };
    const mb = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MiB`;
    console.log(
      [
        `Scale, ${result.date.slice(0, 10)}, ${result.machine}${quick ? ', --quick' : ''}: ${result.events.toLocaleString('en')} events (${result.measures.toLocaleString('en')} measures, ${result.subjects.toLocaleString('en')} subjects) on the embedded store (${mb(result.ledgerFileBytes)}, written in bulk in ${buildSeconds} s).`,
        '',
        '| figure | value | against the aim |',
        '|---|---|---|',
        `| opening the ledger file (SQLite quick_check, paid by every start) | ${openSeconds} s | |`,
        `| fold from scratch | ${foldSeconds} s (${result.foldEventsPerSecond.toLocaleString('en')} events/s) | |`,
        `| heap per event (after gc) | ${bytesPerEvent} B | ${verdict(bytesPerEvent, AIMS.bytesPerEvent, 'B')} |`,
        `| snapshot write | ${result.snapshot.writeSeconds} s, ${mb(written.bytes)} (${Math.round(written.bytes / result.events)} B/event); event loop held ≤ ${result.snapshot.longestChunkMs} ms at a time | |`,
        `| restart to ready from the snapshot (serve → /health/ready) | ${fromSnapshot.seconds} s, of which loading the snapshot ${snapshotLoadSeconds} s | ${verdict(fromSnapshot.seconds, AIMS.restartSeconds, 's')} |`,
        ...(fromScratch
          ? [`| restart to ready from scratch (LEDGER_SNAPSHOT_DIR=off) | ${fromScratch.seconds} s | |`]
          : []),
        `| state query in process, p50 / p99 | ${state.p50} / ${state.p99} ms | ${verdict(state.p99, AIMS.p99Ms, 'ms')} |`,
        `| check query in process, p50 / p99 | ${check.p50} / ${check.p99} ms | ${verdict(check.p99, AIMS.p99Ms, 'ms')} |`,
      ].join('\n'),
    );
    const out = join(packageRoot(), 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'scale.json'), JSON.stringify(result, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
