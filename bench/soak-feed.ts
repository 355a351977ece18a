/**
 * What the effective feed costs per message on the soak's ledger shape (see soak-ledger.ts), in process: several
 * clients replaying from the start together, as the soak's resuming clients do, each message serialised as the
 * route writes it. They share what each record and instant yields (shared-outcomes.ts), so what is left per client
 * is the feed's own machinery: its generators, promises and objects per message. Gives CPU per thousand messages,
 * the time the collector took, and the event loop's worst delay meanwhile.
 *
 *   npm run build --silent && node dist/bench/soak-feed.js 25000 [clients] [messages each]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { effectiveTransitions, transitionJson } from '../src/changes/effective-feed.js';
import { systemClock } from '../src/clock.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { ReadModelService } from '../src/queries/read-model.service.js';
import { WriteWatermark } from '../src/write-watermark.js';
import { machine, round, writeStore } from './lib.js';
import { soakLedger } from './soak-ledger.js';

const EVENTS = Number(process.argv[2] ?? 25_000);
const CLIENTS = Number(process.argv[3] ?? 4);
const MESSAGES = Number(process.argv[4] ?? 50_000);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-soak-feed-'));
  const { ledger } = soakLedger(EVENTS);
  writeStore(join(dir, 'ledger.db'), ledger);
  const store = new SqliteEventStore(join(dir, 'ledger.db'));
  const readModel = new ReadModelService(store, new WriteWatermark());
  await readModel.start();
  await readModel.caughtUp();
  let gcMs = 0;
  const collections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  collections.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const abort = new AbortController();
  const cpu = process.cpuUsage();
  const started = performance.now();
  delay.enable();
  let bytes = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      let received = 0;
      for await (const transition of effectiveTransitions(store, readModel, systemClock, {
        after: '0-1-0-',
        signal: abort.signal,
      })) {
        bytes += transitionJson(transition).length;
        if (++received === MESSAGES) break;
      }
    }),
  );
  delay.disable();
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  collections.disconnect();
  abort.abort();
  const messages = CLIENTS * MESSAGES;
  console.log(
    `soak feed, ${machine()}: ${EVENTS} events, ${CLIENTS} clients from the start, ${MESSAGES} messages each (${round(bytes / 1e6, 1)} MB)`,
  );
  console.log(
    JSON.stringify({
      seconds: round(seconds, 2),
      cpuMsPerThousand: round((used.user + used.system) / 1000 / (messages / 1000), 1),
      gcMs: round(gcMs, 0),
      worstLoopDelayMs: round(delay.max / 1e6, 1),
      p99LoopDelayMs: round(delay.percentile(99) / 1e6, 1),
    }),
  );
  await readModel.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
