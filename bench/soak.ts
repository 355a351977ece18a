/**
 * Load check: the server in its own process on loopback, for SOAK_SECONDS
 * (default 300) of writers sending commands, readers querying, and clients of
 * both feeds that read and resume, stall (never read) or vanish. Reports the
 * event loop's worst delay (from /health, measured inside the server), RSS
 * over time, and checks that every acknowledged write is in the log.
 * Exits non-zero if the loop was blocked over 100 ms, RSS grew beyond
 * SOAK_RSS_GROWTH_MB (default 150) after the first quarter, or a write is missing.
 *
 *   SOAK_SECONDS=60 npm run soak
 *   SOAK_FEEDS=0 SOAK_SECONDS=60 npm run soak    # writers and readers only
 *   SOAK_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run soak    # the server under a profiler
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest, machine, startServer, stopServer } from './lib.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const RSS_GROWTH_MB = Number(process.env.SOAK_RSS_GROWTH_MB ?? 150);
const MAX_LOOP_DELAY_MS = 100;
const KEY = 'soak-admin-key';
const MEASURES = 10;
const auth = { Authorization: `Bearer ${KEY}` };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(values: T[]) => values[Math.floor(Math.random() * values.length)]!;

const stats = {
  acknowledged: 0,
  rejected: 0,
  reads: 0,
  readErrors: 0,
  feedMessages: 0,
  resumes: 0,
  stalled: 0,
  cutOff: 0,
  vanished: 0,
  repeats: 0,
  resent: 0,
};
const acknowledgedIds: string[] = [];
let running = true;

/**
 * A connection reset (a keep-alive socket the server closed as it was reused)
 * leaves the outcome unknown: the same command is sent again with its
 * commandId, which the ledger applies at most once.
 */
async function post(body: object): Promise<void> {
  const command = JSON.stringify({ ...body, commandId: randomUUID() });
  let response: { status: number; body: string } | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await httpRequest(`${url}/v1/commands`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: command,
      });
    } catch (error) {
      if (attempt === 5) throw error;
      stats.resent++;
    }
  }
  // 200: a resent command the ledger had applied already, answered with its first result.
  if (response.status === 201 || response.status === 200) {
    stats.acknowledged++;
    for (const event of (JSON.parse(response.body) as { events: { eventId: string }[] }).events)
      acknowledgedIds.push(event.eventId);
  } else stats.rejected++;
}

const subjectsAdded = new Map<number, number>();

async function writer(): Promise<void> {
  while (running) {
    const m = Math.floor(Math.random() * MEASURES);
    const measureId = `soak-${m}`;
    const n = (subjectsAdded.get(m) ?? 0) + 1;
    const soon = () => new Date(Date.now() + 1000 + Math.random() * 20_000).toISOString();
    const roll = Math.random();
    if (roll < 0.5) {
      subjectsAdded.set(m, n);
      await post({ type: 'AddSubjects', measureId, subjects: [`m${m}-s${n}`], effectiveFrom: '2019-01-01' });
    } else if (roll < 0.65) {
      await post({
        type: 'GrantExemption',
        measureId,
        exemptionId: `x${randomUUID().slice(0, 8)}`,
        title: 'licence',
        categories: [`exports/x${n}`],
        effectiveFrom: '2019-01-01',
        effectiveUntil: soon(),
      });
    } else if (roll < 0.8) {
      await post({ type: 'BroadenScope', measureId, categories: [`services/c${n}`], effectiveFrom: soon() });
    } else if (roll < 0.9) {
      await post({ type: 'NarrowScope', measureId, remove: [`exports/r${n}`], effectiveFrom: '2019-01-01' });
    } else {
      await post({
        type: 'RemoveSubjects',
        measureId,
        subjects: [`m${m}-s${Math.max(1, Math.floor(Math.random() * n))}`],
        effectiveFrom: '2019-01-01',
      });
    }
    await sleep(20);
  }
}

async function reader(): Promise<void> {
  while (running) {
    const m = Math.floor(Math.random() * MEASURES);
    const subject = `m${m}-s${Math.floor(Math.random() * ((subjectsAdded.get(m) ?? 0) + 1))}`;
    const path = pick([
      `/v1/subjects/${subject}/state`,
      `/v1/subjects/${subject}/check?category=exports`,
      `/v1/measures/soak-${m}`,
      `/v1/subjects/${subject}/timeline`,
    ]);
    const response = await httpRequest(`${url}${path}`, { headers: auth }).catch(() => undefined);
    if (response?.status === 200) stats.reads++;
    else stats.readErrors++;
    await sleep(10);
  }
}

/** Opens a feed; `onMessage` gets each id. Answers the request, to end it. */
function openFeed(
  path: string,
  headers: Record<string, string>,
  onMessage: (id: string, event?: string) => void,
  onResponse?: (response: IncomingMessage) => void,
  onOpeningId?: (id: string) => void,
): ClientRequest {
  const req = request(
    `${url}${path}`,
    { headers: { ...auth, Accept: 'text/event-stream', ...headers } },
    (response) => {
      onResponse?.(response);
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          // A copy: a match is a slice of the chunk read, and the ids a churner keeps would keep every chunk alive.
          const matched = /^id: (.*)$/m.exec(block)?.[1];
          const id = matched === undefined ? undefined : Buffer.from(matched).toString();
          const event = /^event: (.*)$/m.exec(block)?.[1];
          // As EventSource: a block without data (the stream's opening id) sets the id to resume from, and is no message.
          if (!/^data:/m.test(block)) {
            if (id !== undefined) onOpeningId?.(id);
          } else if (id !== undefined || event) onMessage(id ?? '', event);
        }
      });
      response.on('error', () => {});
    },
  );
  req.on('error', () => {});
  req.end();
  return req;
}

/** Reads for a while, leaves, and resumes with Last-Event-ID: ids must never repeat. */
async function churner(feed: string): Promise<void> {
  let lastId: string | undefined;
  const seen = new Set<string>();
  while (running) {
    const req = openFeed(
      feed,
      lastId ? { 'Last-Event-ID': lastId } : {},
      (id, event) => {
        if (event || !id) return;
        if (seen.has(id)) stats.repeats++;
        seen.add(id);
        lastId = id;
        stats.feedMessages++;
      },
      undefined,
      (id) => (lastId = id),
    );
    await sleep(1000 + Math.random() * 3000);
    req.destroy();
    stats.resumes++;
  }
}

/**
 * Replays from the start and never reads; the server should cut it off. Its
 * cut-off message waits behind everything the client left unread, so what
 * the client sees is the server closing the connection within its wait.
 */
async function staller(feed: string): Promise<void> {
  while (running) {
    let closedByServer = false;
    let leaving = false;
    const req = openFeed(
      feed,
      {},
      () => {},
      (response) => {
        response.pause();
        // A paused response emits nothing when its socket goes: the socket tells.
        response.socket.once('close', () => (closedByServer = !leaving));
      },
    );
    stats.stalled++;
    await sleep(15_000);
    if (closedByServer) stats.cutOff++;
    leaving = true;
    req.destroy();
  }
}

async function vanisher(feed: string): Promise<void> {
  while (running) {
    const req = openFeed(feed, {}, () => {});
    await sleep(Math.random() * 300);
    req.destroy();
    stats.vanished++;
    await sleep(200);
  }
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

/** The server's heap (used, and allocated) and memory outside it, from its metrics: tells live data from slack in RSS. */
async function heapMb(): Promise<string> {
  const text = (await httpRequest(`${url}/metrics`, { headers: auth })).body;
  const mb = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) / 2 ** 20);
  return `heap=${mb('nodejs_heap_size_used_bytes')}/${mb('nodejs_heap_size_total_bytes')} MB external=${mb('nodejs_external_memory_bytes')} MB`;
}

/** Clients the server cut off as too slow, by feed, from its metrics. */
async function serverCutOffs(): Promise<string> {
  const text = (await httpRequest(`${url}/metrics`, { headers: auth })).body;
  return [...text.matchAll(/^regledger_sse_cut_offs_total\{feed="(\w+)"\} (\d+)$/gm)]
    .map(([, feed, n]) => `${feed} ${n}`)
    .join(', ');
}

async function health(): Promise<{ eventLoopMaxDelayMs: number; headPosition: string }> {
  return JSON.parse((await httpRequest(`${url}/health`)).body);
}

async function logEventIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let after = '0';
  for (;;) {
    const page = JSON.parse(
      (await httpRequest(`${url}/v1/events?after=${after}&limit=1000`, { headers: auth })).body,
    ) as { events: { eventId: string }[]; next?: string | null };
    for (const event of page.events) ids.add(event.eventId);
    if (!page.next || page.events.length === 0) return ids;
    after = page.next;
  }
}

let url = '';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-soak-'));
  // SOAK_URL and SOAK_PID: a server already running (say, under a profiler) with the soak key as an admin key.
  const server = process.env.SOAK_URL
    ? {
        url: process.env.SOAK_URL,
        child: { pid: Number(process.env.SOAK_PID), kill: () => process.kill(Number(process.env.SOAK_PID), 'SIGINT') },
      }
    : await startServer(
        dir,
        { name: 'soak', role: 'admin', value: KEY },
        process.env.SOAK_NODE_ARGS?.split(' ').filter(Boolean),
      );
  url = server.url;
  const pid = server.child.pid!;
  console.log(
    `Soak, ${new Date().toISOString().slice(0, 16)}, ${machine()}: ${SECONDS} s, server pid ${pid} at ${url}`,
  );
  for (let m = 0; m < MEASURES; m++) {
    await post({
      type: 'ImposeRestriction',
      measureId: `soak-${m}`,
      title: 'soak',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: [`m${m}-s0`],
      categories: ['exports', 'services/base'],
      effectiveFrom: '2019-01-01',
    });
  }
  // Start-up stalls (module loading, the first fold) age out of /health's 10-20 s window first.
  await sleep(21_000);

  const workers: Promise<void>[] = [];
  for (let i = 0; i < 4; i++) workers.push(writer());
  for (let i = 0; i < 3; i++) workers.push(reader());
  // SOAK_FEEDS=0 leaves the feeds out, to tell their share of the load from the rest.
  for (const feed of process.env.SOAK_FEEDS === '0' ? [] : ['/v1/changes', '/v1/changes/effective']) {
    for (let i = 0; i < 3; i++) workers.push(churner(feed));
    workers.push(staller(`${feed}?after=${feed.endsWith('effective') ? '0-1-0-' : '0'}`), vanisher(feed));
  }

  const started = Date.now();
  const samples: { t: number; rssMb: number; loopMs: number }[] = [];
  let worstLoop = 0;
  while (Date.now() - started < SECONDS * 1000) {
    await sleep(5000);
    const h = await health();
    const sample = { t: Math.round((Date.now() - started) / 1000), rssMb: rssMb(pid), loopMs: h.eventLoopMaxDelayMs };
    samples.push(sample);
    worstLoop = Math.max(worstLoop, sample.loopMs);
    if (samples.length % 6 === 0 || Date.now() - started >= SECONDS * 1000) {
      console.log(
        `t=${sample.t}s rss=${sample.rssMb} MB ${await heapMb()} loop max (10-20 s window)=${sample.loopMs} ms head=${h.headPosition} ${JSON.stringify(stats)}`,
      );
    }
  }
  running = false;
  await Promise.all(workers);
  await sleep(1000);

  const cutOffs = await serverCutOffs();
  const inLog = await logEventIds();
  const missing = acknowledgedIds.filter((id) => !inLog.has(id));
  const quarter = samples.find((s) => s.t >= SECONDS / 4) ?? samples[0]!;
  const lastQuarter = samples.filter((s) => s.t >= (3 * SECONDS) / 4);
  const rssGrowth = Math.max(...lastQuarter.map((s) => s.rssMb)) - quarter.rssMb;
  // A server of its own is waited for: it may still be writing to the directory about to be removed.
  if ('once' in server.child) await stopServer(server.child);
  else server.child.kill();
  rmSync(dir, { recursive: true, force: true });

  console.log(`RSS over time (MB): ${samples.map((s) => `${s.t}s:${s.rssMb}`).join(' ')}`);
  console.log(`event loop worst delay per 5 s sample (ms): ${samples.map((s) => s.loopMs).join(' ')}`);
  const failures = [
    ...(worstLoop > MAX_LOOP_DELAY_MS
      ? [`the event loop was blocked ${worstLoop} ms (bound ${MAX_LOOP_DELAY_MS} ms)`]
      : []),
    ...(rssGrowth > RSS_GROWTH_MB
      ? [`RSS grew ${rssGrowth} MB after the first quarter (bound ${RSS_GROWTH_MB} MB)`]
      : []),
    ...(missing.length ? [`${missing.length} acknowledged writes are missing from the log, e.g. ${missing[0]}`] : []),
    ...(stats.repeats ? [`feed clients received ${stats.repeats} ids twice across resumes`] : []),
  ];
  console.log(
    `result: ${stats.acknowledged} writes acknowledged, all ${missing.length ? 'NOT ' : ''}in the log (${inLog.size} events); ${stats.reads} reads; ` +
      `${stats.feedMessages} feed messages over ${stats.resumes} resumes, no repeats: ${stats.repeats === 0}; ${stats.stalled} stalled clients (${stats.cutOff} closed by the server within 15 s; the server counts cut-offs: ${cutOffs}), ${stats.vanished} vanished; ${stats.resent} commands resent after a reset; ` +
      `worst event-loop delay ${worstLoop} ms; RSS growth after the first quarter ${rssGrowth} MB`,
  );
  if (failures.length) {
    console.log(`FAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('OK');
  process.exit(0);
}

await main();
