/**
 * Change-feed latency: from sending a command to its event arriving at each
 * of 100 SSE subscribers, with the server in its own process.
 *
 *   npm run bench:changes            # 1,000 appends
 *   npm run bench:changes -- --quick # 200 appends
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { httpRequest, machine, startServer, stopServer } from './lib.js';

const quick = process.argv.includes('--quick');
const SUBSCRIBERS = 100;
const APPENDS = quick ? 200 : 1000;
const KEY = 'bench-writer-key';

function subscribe(url: string, onEvent: (position: number, at: number) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/changes`,
      { headers: { Authorization: `Bearer ${KEY}`, Accept: 'text/event-stream' } },
      (response) => {
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const id = /^id: (\d+)$/m.exec(buffer.slice(0, cut));
            if (id) onEvent(Number(id[1]), now);
            buffer = buffer.slice(cut + 2);
          }
        });
        resolve(() => req.destroy());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-changes-'));
  const server = await startServer(dir, { name: 'bench', role: 'writer', value: KEY });
  const url = server.url;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let delivered = 0;
  const closers = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () =>
      subscribe(url, (position, at) => {
        const sent = sentAt.get(position);
        if (sent !== undefined) latencies.push(at - sent);
        delivered++;
      }),
    ),
  );
  await new Promise((r) => setTimeout(r, 500));
  const post = (body: object) =>
    httpRequest(`${url}/v1/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const first = await post({
    type: 'ImposeRestriction',
    measureId: 'bench',
    title: 't',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['s0'],
    categories: ['exports'],
    effectiveFrom: '2019-01-01',
  });
  if (first.status !== 201) throw new Error(`HTTP ${first.status}`);
  for (let i = 1; i <= APPENDS; i++) {
    // Positions are sequential here: the command's event will be at position i + 1.
    sentAt.set(i + 1, performance.now());
    const response = await post({
      type: 'AddSubjects',
      commandId: randomUUID(),
      measureId: 'bench',
      subjects: [`s${i}`],
      effectiveFrom: '2019-01-01',
    });
    if (response.status !== 201) throw new Error(`HTTP ${response.status}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const expected = (APPENDS + 1) * SUBSCRIBERS;
  for (let i = 0; i < 100 && delivered < expected; i++) await new Promise((r) => setTimeout(r, 100));
  closers.forEach((close) => close());
  await stopServer(server.child);
  rmSync(dir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(2));
  const result = {
    machine: machine(),
    date: new Date().toISOString(),
    subscribers: SUBSCRIBERS,
    appends: APPENDS,
    deliveries: latencies.length,
    lost: expected - delivered,
    p50: at(50),
    p99: at(99),
    max: at(100),
  };
  console.log(
    [
      `Change feed, ${result.date.slice(0, 10)}, ${result.machine}: ${APPENDS} single-event commands over HTTP, one every ~5 ms, ${SUBSCRIBERS} SSE subscribers on /v1/changes, server in its own process.`,
      '',
      '| subscribers | deliveries | send → delivery p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      `| ${SUBSCRIBERS} | ${result.deliveries.toLocaleString('en')} | ${result.p50} | ${result.p99} | ${result.max} |`,
    ].join('\n'),
  );
  const out = join(packageRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'changes.json'), JSON.stringify(result, null, 2));
}

await main();
