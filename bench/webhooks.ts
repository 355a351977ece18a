/**
 * Webhook delivery throughput and latency for one endpoint on the embedded
 * store: a ledger of N events replayed from 0 to a receiver on 127.0.0.1
 * (one request in flight, the cursor stored after each 2xx), then live
 * appends timed from append to arrival.
 *
 *   npm run build && node dist/bench/webhooks.js            # 2,000 replayed, 200 live
 *   npm run build && node dist/bench/webhooks.js --quick    # 500 replayed, 50 live
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApp } from '../src/app.js';
import { ApiKeys, sha256Hex } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { latencySummary, machine, round } from './lib.js';

const quick = process.argv.includes('--quick');
const REPLAYED = quick ? 500 : 2000;
const LIVE = quick ? 50 : 200;
const KEY = 'bench-admin-key';
process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';

const event = (measureId: string) => ({
  eventId: randomUUID(),
  type: 'RestrictionImposed',
  data: {
    measureId,
    title: 't',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['acme'],
    categories: ['exports'],
    effectiveFrom: '2019-05-16T20:15:00.000Z',
  },
  metadata: {},
});

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-webhooks-'));
  const store = new SqliteEventStore(join(dir, 'ledger.db'));
  for (let i = 0; i < REPLAYED; i++) await store.append(`measure-m${i}`, [event(`m${i}`)], 'no_stream');

  const arrivals = new Map<string, number>();
  let wake = () => {};
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const position = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ledgerposition: string })
        .ledgerposition;
      if (!arrivals.has(position)) arrivals.set(position, performance.now());
      res.writeHead(204).end();
      wake();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      wake = () => arrivals.size >= count && resolve();
      wake();
    });

  const config = loadConfig({ LEDGER_DEMO: 'off', LEDGER_DATA_DIR: dir });
  const app = await createHttpApp(
    config,
    store,
    new ApiKeys([{ name: 'bench', role: 'admin', sha256: sha256Hex(KEY) }]),
    { logLevels: ['error'] },
  );
  await app.listen(0, '127.0.0.1');
  const started = performance.now();
  const created = await fetch(`${await app.getUrl()}/v1/webhooks`.replace('[::1]', '127.0.0.1'), {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      feed: 'ledger',
      after: '0',
    }),
  });
  if (created.status !== 201) throw new Error(`registration answered ${created.status}: ${await created.text()}`);
  await until(REPLAYED);
  const replaySeconds = (performance.now() - started) / 1000;

  const latencies: number[] = [];
  for (let i = 0; i < LIVE; i++) {
    const sent = performance.now();
    const { position } = await store.append(`measure-live${i}`, [event(`live${i}`)], 'no_stream');
    await until(REPLAYED + i + 1);
    latencies.push(arrivals.get(position.toString())! - sent);
  }

  const result = {
    machine: machine(),
    replay: {
      messages: REPLAYED,
      seconds: round(replaySeconds, 2),
      messagesPerSecond: Math.round(REPLAYED / replaySeconds),
    },
    liveAppendToArrivalMs: latencySummary(latencies, 1),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\n| measure | value |\n|---|---|\n| replay to one endpoint | ${result.replay.messagesPerSecond} messages/s (${REPLAYED} in ${result.replay.seconds} s) |\n| live, append to arrival | p50 ${result.liveAppendToArrivalMs.p50} ms, p99 ${result.liveAppendToArrivalMs.p99} ms |`,
  );
  await app.close();
  await store.close();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
