/**
 * Fan-out: 1,000 SSE subscribers on one instance, appends at a steady rate,
 * and what each append costs: the delay from the append to its arrival at
 * every subscriber (p50, p99, max; aim p99 ≤ 20 ms), and how many reads of
 * the store each append causes (one subscription per instance, fanned out,
 * should keep it near one, whatever the number of subscribers), plus the
 * store reads it took to connect them all.
 *
 *   npm run bench -- --fanout [--quick]     (or node dist/bench/fanout.js [--quick])
 *
 * The server runs in this process on the embedded store (to count its reads);
 * the subscribers run in a worker thread with its own event loop.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHttpApp } from '../src/app.js';
import { ApiKeys, sha256Hex } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import type { EventToAppend, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../src/event-store/event-store.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { packageRoot } from '../src/package-root.js';
import { machine, percentile, round } from './lib.js';

const quick = process.argv.includes('--quick');
const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 1000);
const RATE_PER_SECOND = 20;
const APPENDS = quick ? 100 : 600;
const AIM_P99_MS = 20;
const KEY = 'bench-fanout-reader-key';

/** The embedded store, counting the reads the server makes of it. */
class CountingStore extends SqliteEventStore {
  reads = 0;
  override readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.reads++;
    return super.readAll(options);
  }
  override readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.reads++;
    return super.readStream(streamId, options);
  }
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const event = (type: string, data: object): EventToAppend => ({ eventId: randomUUID(), type, data, metadata: {} });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-fanout-'));
  const store = new CountingStore(join(dir, 'ledger.db'));
  const config = loadConfig({ LEDGER_DEMO: 'off', LEDGER_DATA_DIR: dir, PORT: '0' });
  const app = await createHttpApp(
    config,
    store,
    new ApiKeys([{ name: 'bench', role: 'reader', sha256: sha256Hex(KEY) }]),
    { logLevels: ['error'] },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let revision = (
    await store.append(
      'measure-fanout',
      [
        event('RestrictionImposed', {
          measureId: 'fanout',
          title: 't',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['s0'],
          categories: ['exports'],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
        }),
      ],
      'no_stream',
    )
  ).nextExpectedRevision;
  const head = await store.headPosition();
  await sleep(300);

  const arrivals = new Map<string, number[]>();
  const readsBeforeConnecting = store.reads;
  const worker = new Worker(new URL('./fanout-clients.js', import.meta.url), {
    workerData: { url, key: KEY, subscribers: SUBSCRIBERS, after: head.toString() },
  });
  let resolveConnected!: () => void;
  let resolveStopped!: () => void;
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  worker.on('message', (message: { type: string; arrivals?: [string, number][]; message?: string }) => {
    if (message.type === 'connected') resolveConnected();
    else if (message.type === 'stopped') resolveStopped();
    else if (message.type === 'error') console.error(`subscriber: ${message.message}`);
    else
      for (const [position, at] of message.arrivals!)
        (arrivals.get(position) ?? arrivals.set(position, []).get(position)!).push(at);
  });
  await connected;
  // Let every connection reach the live end before counting.
  await sleep(1000);
  const readsToConnect = store.reads - readsBeforeConnecting;

  const appendedAt = new Map<string, number>();
  const readsBefore = store.reads;
  const started = now();
  for (let i = 1; i <= APPENDS; i++) {
    // A steady rate: each append at its slot, whatever the last one took.
    const slot = started + (i * 1000) / RATE_PER_SECOND;
    if (slot > now()) await sleep(slot - now());
    const at = now();
    const result = await store.append(
      'measure-fanout',
      [event('SubjectsAdded', { measureId: 'fanout', subjects: [`s${i}`], effectiveFrom: '2019-01-01T00:00:00.000Z' })],
      revision,
    );
    revision = result.nextExpectedRevision;
    appendedAt.set(result.position.toString(), at);
  }
  const expected = APPENDS * SUBSCRIBERS;
  const delivered = () =>
    [...appendedAt.keys()].reduce((sum, position) => sum + (arrivals.get(position)?.length ?? 0), 0);
  for (let i = 0; i < 100 && delivered() < expected; i++) await sleep(100);
  const readsPerAppend = (store.reads - readsBefore) / APPENDS;
  worker.postMessage({ type: 'stop' });
  await stopped;
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const latencies: number[] = [];
  for (const [position, at] of appendedAt)
    for (const arrival of arrivals.get(position) ?? []) latencies.push(arrival - at);
  latencies.sort((a, b) => a - b);
  const result = {
    machine: machine(),
    date: new Date().toISOString(),
    quick,
    subscribers: SUBSCRIBERS,
    appends: APPENDS,
    ratePerSecond: RATE_PER_SECOND,
    deliveries: latencies.length,
    lost: expected - delivered(),
    p50: round(percentile(latencies, 50), 2),
    p99: round(percentile(latencies, 99), 2),
    max: round(latencies.at(-1) ?? NaN, 2),
    aimP99: AIM_P99_MS,
    storeReadsPerAppend: round(readsPerAppend, 2),
    storeReadsToConnectAll: readsToConnect,
  };
  const verdict = result.p99 <= AIM_P99_MS ? 'met' : `missed by ${round(result.p99 - AIM_P99_MS, 1)} ms`;
  console.log(
    [
      `Fan-out, ${result.date.slice(0, 10)}, ${result.machine}${quick ? ', --quick' : ''}: ${SUBSCRIBERS.toLocaleString('en')} SSE subscribers on /v1/changes of one instance (embedded store), ${APPENDS} single-event appends at ${RATE_PER_SECOND}/s.`,
      '',
      '| subscribers | deliveries | lost | append → arrival p50 ms | p99 ms (aim ≤ 20) | max ms | store reads per append | store reads to connect all |',
      '|---|---|---|---|---|---|---|---|',
      `| ${SUBSCRIBERS.toLocaleString('en')} | ${result.deliveries.toLocaleString('en')} | ${result.lost} | ${result.p50} | ${result.p99} (${verdict}) | ${result.max} | ${result.storeReadsPerAppend} | ${result.storeReadsToConnectAll} |`,
    ].join('\n'),
  );
  const out = join(packageRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'fanout.json'), JSON.stringify(result, null, 2));
}

await main();
