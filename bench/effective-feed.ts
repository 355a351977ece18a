/**
 * The effective feed's cost, in process on an in-memory store: one measure
 * with N subjects, each added by its own single-subject AddSubjects.
 *
 * - one reader from the start of the measure: its CPU time, and the event
 *   loop's worst delay meanwhile (perf_hooks.monitorEventLoopDelay);
 * - 5 live subscribers while 20 more subjects are added one write at a time:
 *   the event loop's worst delay per write, until every subscriber has it.
 *
 *   npm run bench:feed                 # N = 250, 500, 1000, 2000
 *   npm run bench:feed -- --sizes=250,500
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ChangeFeedService } from '../src/changes/change-feed.service.js';
import { systemClock } from '../src/clock.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { WriteWatermark } from '../src/write-watermark.js';
import { packageRoot } from '../src/package-root.js';
import { ReadModelService } from '../src/queries/read-model.service.js';
import { machine, round } from './lib.js';

const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const SIZES = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(Number) : [250, 500, 1000, 2000];
const SUBSCRIBERS = 5;
const LIVE_WRITES = 20;
const MEASURE = 'bench';

interface Row {
  subjects: number;
  readerCpuMs: number;
  readerTransitions: number;
  readerWorstLoopDelayMs: number;
  readerP99LoopDelayMs: number;
  liveWorstLoopDelayPerWriteMs: number;
  liveMedianLoopDelayPerWriteMs: number;
}

async function appendOne(store: SqliteEventStore, type: string, data: object): Promise<bigint> {
  const result = await store.append(
    `measure-${MEASURE}`,
    [{ eventId: randomUUID(), type, data, metadata: { actor: 'bench' } }],
    'any',
  );
  return result.position;
}

/** A blocked loop's delay is sampled only when its timer next runs: let it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const addSubject = (store: SqliteEventStore, i: number) =>
  appendOne(store, 'SubjectsAdded', {
    measureId: MEASURE,
    subjects: [`s${String(i).padStart(5, '0')}`],
    effectiveFrom: '2019-01-01T00:00:00.000Z',
  });

async function measure(subjects: number): Promise<Row> {
  const store = new SqliteEventStore(':memory:');
  const watermark = new WriteWatermark();
  await appendOne(store, 'RestrictionImposed', {
    measureId: MEASURE,
    title: 'bench',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['s00000'],
    categories: ['exports'],
    effectiveFrom: '2019-01-01T00:00:00.000Z',
  });
  for (let i = 1; i < subjects; i++) watermark.advance(await addSubject(store, i));
  const readModel = new ReadModelService(store, watermark);
  await readModel.start();
  await readModel.current();
  const feed = new ChangeFeedService(store, readModel, systemClock);
  const histogram = monitorEventLoopDelay({ resolution: 1 });

  // One reader from the start: every subject becomes restricted once.
  const abort = new AbortController();
  const cpu = process.cpuUsage();
  histogram.enable();
  let received = 0;
  for await (const _ of feed.effectiveChanges({ after: '0-1-0-', signal: abort.signal })) {
    if (++received === subjects) break;
  }
  abort.abort();
  await settle();
  histogram.disable();
  const used = process.cpuUsage(cpu);
  const readerCpuMs = (used.user + used.system) / 1000;
  const readerWorst = histogram.max / 1e6;
  const readerP99 = histogram.percentile(99) / 1e6;

  // Live subscribers, then one write at a time.
  const live = Array.from({ length: SUBSCRIBERS }, () => ({ abort: new AbortController(), received: 0 }));
  const waiters = new Set<() => void>();
  for (const subscriber of live) {
    void (async () => {
      for await (const _ of feed.effectiveChanges({ signal: subscriber.abort.signal })) {
        subscriber.received++;
        for (const wake of waiters) wake();
      }
    })();
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const perWrite: number[] = [];
  for (let w = 0; w < LIVE_WRITES; w++) {
    histogram.reset();
    histogram.enable();
    watermark.advance(await addSubject(store, subjects + w));
    while (live.some((s) => s.received < w + 1)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 50);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
    await settle();
    histogram.disable();
    perWrite.push(histogram.max / 1e6);
  }
  for (const subscriber of live) subscriber.abort.abort();
  await readModel.stop();
  await store.close();
  perWrite.sort((a, b) => a - b);
  return {
    subjects,
    readerCpuMs: round(readerCpuMs, 0),
    readerTransitions: received,
    readerWorstLoopDelayMs: round(readerWorst, 1),
    readerP99LoopDelayMs: round(readerP99, 1),
    liveWorstLoopDelayPerWriteMs: round(perWrite[perWrite.length - 1]!, 1),
    liveMedianLoopDelayPerWriteMs: round(perWrite[Math.floor(perWrite.length / 2)]!, 1),
  };
}

/** The loop's delay with nothing to do: what the machine itself adds (other processes, GC). */
async function idleDelay(): Promise<{ worst: number; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  histogram.disable();
  return { worst: round(histogram.max / 1e6, 1), p99: round(histogram.percentile(99) / 1e6, 1) };
}

async function main() {
  const rows: Row[] = [];
  const idle = await idleDelay();
  console.log(
    [
      `Effective feed, ${new Date().toISOString().slice(0, 10)}, ${machine()}: one measure, N single-subject AddSubjects, in process on an in-memory store.`,
      '',
      `| N | one reader from the start: CPU ms | its event-loop delay, worst / p99 ms | ${SUBSCRIBERS} live subscribers: worst delay per write ms (max / median of ${LIVE_WRITES} writes) |`,
      '|---|---|---|---|',
      `| idle, for reference | | ${idle.worst} / ${idle.p99} | |`,
    ].join('\n'),
  );
  for (const size of SIZES) {
    const row = await measure(size);
    rows.push(row);
    console.log(
      `| ${row.subjects} | ${row.readerCpuMs} | ${row.readerWorstLoopDelayMs} / ${row.readerP99LoopDelayMs} | ${row.liveWorstLoopDelayPerWriteMs} / ${row.liveMedianLoopDelayPerWriteMs} |`,
    );
  }
  const out = join(packageRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'effective-feed.json'),
    JSON.stringify({ machine: machine(), date: new Date().toISOString(), idle, rows }, null, 2),
  );
}

await main();
process.exit(0);
