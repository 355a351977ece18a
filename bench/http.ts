/**
 * HTTP against the stack's own ceiling, in one run (`npm run bench -- --http
 * [--quick]`): autocannon, 50 keep-alive connections, against regledger and
 * against a bare node:http server (its own process, like regledger) sending
 * the very same bytes and headers regledger sent for that request; then
 * commands over HTTP, one at a time and 16 at once. Prints a Markdown table
 * and writes bench/results/http.json. LEDGER_WORKERS, if set, reaches the server.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../src/package-root.js';
import { httpRequest, machine, round, startServer, timedWorkers } from './lib.js';

const ROOT = packageRoot();
const KEY = { name: 'bench', role: 'admin' as const, value: 'bench-http-key-0001' };
const AUTH = { Authorization: `Bearer ${KEY.value}` };

const QUERIES: [string, string][] = [
  ['state', '/v1/subjects/huawei/state?at=2019-06-30'],
  ['check', '/v1/subjects/huawei/check?category=exports/existing-handset-support&at=2019-06-30'],
  ['timeline', '/v1/subjects/huawei/timeline'],
  ['events page', '/v1/events?limit=50'],
];

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

async function load(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Load> {
  const result = await autocannon({ url, connections: 50, duration: seconds, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** A node:http server answering every request with these bytes and headers, nothing else. */
async function bareServer(
  dir: string,
  name: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const file = join(dir, `${name.replace(/\W/g, '-')}.bin`);
  writeFileSync(file, body);
  const script = `
    const body = require('node:fs').readFileSync(${JSON.stringify(file)});
    const headers = ${JSON.stringify(headers)};
    const server = require('node:http').createServer((req, res) => { req.resume(); res.writeHead(200, headers); res.end(body); });
    server.keepAliveTimeout = 72000;
    server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout })) {
    const url = /listening on (\S+)/.exec(line)?.[1];
    if (url) return { url, child };
  }
  throw new Error('the bare server exited before it listened');
}

/** The headers regledger sent, as a bare server would need them to send the same answer. */
function sentHeaders(path: string, url: string): Promise<{ body: Buffer; headers: Record<string, string> }> {
  return fetch(`${url}${path}`, { headers: AUTH }).then(async (response) => {
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-correlation-id'].includes(name))
        headers[name] = value;
    });
    return { body: Buffer.from(await response.arrayBuffer()), headers };
  });
}

export async function httpBench(quick: boolean): Promise<void> {
  const seconds = quick ? 3 : 10;
  const commands = quick ? 300 : 2000;
  const work = mkdtempSync(join(tmpdir(), 'regledger-bench-http-'));
  const server = await startServer(join(work, 'data'), KEY);
  const rows: { workload: string; regledger: Load; bare?: Load; ratio?: number }[] = [];
  try {
    const examples = JSON.parse(readFileSync(join(ROOT, 'examples', 'huawei-2019.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    for (const command of examples) await post(server.url, command);
    for (const [workload, path] of QUERIES) {
      const { body, headers } = await sentHeaders(path, server.url);
      const bare = await bareServer(work, workload, body, headers);
      try {
        // Warm both (JIT, caches), then measure them one after the other.
        await load(`${server.url}${path}`, 1, AUTH);
        await load(`${bare.url}${path}`, 1);
        const ours = await load(`${server.url}${path}`, seconds, AUTH);
        const theirs = await load(`${bare.url}${path}`, seconds);
        rows.push({
          workload: `${workload} (${body.length} B)`,
          regledger: ours,
          bare: theirs,
          ratio: round(ours.requestsPerSecond / theirs.requestsPerSecond, 2),
        });
        console.error(
          `${workload}: ${ours.requestsPerSecond} req/s p99 ${ours.p99} ms vs bare ${theirs.requestsPerSecond} req/s p99 ${theirs.p99} ms`,
        );
      } finally {
        bare.child.kill();
      }
    }
    // One measure per concurrent writer: commands on one measure stream are serialised by its revision.
    for (let m = 0; m < 16; m++) {
      await post(server.url, {
        type: 'ImposeRestriction',
        measureId: `bench-m${m}`,
        title: 'bench',
        jurisdiction: 'US',
        authority: 'bench',
        subjects: ['s'],
        categories: ['exports'],
        effectiveFrom: '2019-01-01',
      });
    }
    const addition = (i: number) => ({
      type: 'AddSubjects',
      measureId: `bench-m${i % 16}`,
      subjects: [`bench-${randomUUID()}`],
      effectiveFrom: '2019-06-01',
    });
    for (let i = 0; i < 50; i++) await post(server.url, addition(i));
    const sequential = await timedWorkers(1, commands, (i) => post(server.url, addition(i)));
    rows.push({
      workload: 'command, sequential',
      regledger: {
        requestsPerSecond: sequential.eventsPerSecond,
        p50: sequential.p50,
        p99: sequential.p99,
        failures: 0,
      },
    });
    const concurrent = await timedWorkers(16, commands, (i) => post(server.url, addition(i)));
    rows.push({
      workload: 'command, 16 concurrent',
      regledger: {
        requestsPerSecond: concurrent.eventsPerSecond,
        p50: concurrent.p50,
        p99: concurrent.p99,
        failures: 0,
      },
    });
  } finally {
    server.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
  const table = [
    `HTTP, ${quick ? 'quick' : 'full'} run, ${seconds} s per load, 50 connections, LEDGER_WORKERS=${process.env.LEDGER_WORKERS ?? '1'} (${machine()}):`,
    '',
    '| workload | regledger req/s | p50 / p99 ms | bare node:http req/s | p50 / p99 ms | ratio |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.regledger.requestsPerSecond.toLocaleString('en')} | ${r.regledger.p50} / ${r.regledger.p99} | ${r.bare ? r.bare.requestsPerSecond.toLocaleString('en') : '–'} | ${r.bare ? `${r.bare.p50} / ${r.bare.p99}` : '–'} | ${r.ratio ?? '–'} |`,
    ),
  ].join('\n');
  console.log(table);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench', 'results', 'http.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machine(),
        quick,
        workers: Number(process.env.LEDGER_WORKERS ?? 1),
        rows,
      },
      null,
      2,
    ),
  );
}

async function post(url: string, command: Record<string, unknown>): Promise<void> {
  const response = await httpRequest(`${url}/v1/commands`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify(command),
  });
  if (response.status >= 300) throw new Error(`command refused: ${response.status} ${response.body}`);
}
