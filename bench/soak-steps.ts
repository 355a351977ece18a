/**
 * The soak's costs at a fixed size, without its noise: a ledger shaped like
 * the soak's (ten measures, the soak's mix of commands) written as a fixture,
 * then one server on it timing what the soak does: commands, each read, and
 * an effective feed from the start. Compare runs by these figures and by the
 * server's worst event-loop delay, not by a soak's wall-clock.
 *
 *   npm run build --silent && node dist/bench/soak-steps.js 25000
 *   SOAK_STEPS_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' node dist/bench/soak-steps.js 25000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest, machine, spread, startServer, writeStore } from './lib.js';
import { MEASURES, soakLedger } from './soak-ledger.js';

const EVENTS = Number(process.argv[2] ?? 25_000);
const KEY = 'soak-steps-key';
const auth = { Authorization: `Bearer ${KEY}` };

async function timed(
  count: number,
  operation: (i: number) => Promise<{ status: number }>,
): Promise<ReturnType<typeof spread>> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await operation(i);
    if (response.status >= 300) throw new Error(`status ${response.status}`);
    ms.push(performance.now() - t0);
  }
  return spread(ms);
}

/** Reads an effective feed from the start until `count` messages arrived; answers the time taken. */
async function effectiveFeed(url: string, count: number): Promise<number> {
  const t0 = performance.now();
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/changes/effective?after=0-1-0-&measure=soak-0`, {
    headers: { ...auth, Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  let seen = 0;
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    seen += decoder.decode(chunk as Uint8Array).split('\nid: ').length - 1;
    if (seen >= count) break;
  }
  controller.abort();
  return performance.now() - t0;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-soak-steps-'));
  const { ledger, subjects } = soakLedger(EVENTS);
  writeStore(join(dir, 'ledger.db'), ledger);
  const server = await startServer(
    dir,
    { name: 'steps', role: 'admin', value: KEY },
    (process.env.SOAK_STEPS_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  const { url } = server;
  console.log(
    `soak steps, ${machine()}: ${EVENTS} events in ${MEASURES} measures (~${Math.round(EVENTS / MEASURES)} each)`,
  );
  const subject = (i: number) => `m${i % MEASURES}-s${1 + ((i * 7919) % subjects[i % MEASURES]!)}`;
  const get = (path: string) => httpRequest(`${url}${path}`, { headers: auth });
  const post = (body: object) =>
    httpRequest(`${url}/v1/commands`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  // Warm the read model's resolutions once, as a running soak has.
  for (let m = 0; m < MEASURES; m++) await get(`/v1/measures/soak-${m}`);
  const results: Record<string, unknown> = {};
  results.addSubjects = await timed(40, (i) =>
    post({
      type: 'AddSubjects',
      measureId: `soak-${i % MEASURES}`,
      subjects: [`new-${i}`],
      effectiveFrom: '2019-01-01',
    }),
  );
  results.grantExemption = await timed(20, (i) =>
    post({
      type: 'GrantExemption',
      measureId: `soak-${i % MEASURES}`,
      exemptionId: `steps-${i}`,
      title: 'licence',
      categories: ['exports/y'],
      effectiveFrom: '2019-01-01',
      effectiveUntil: new Date(Date.now() + 60_000).toISOString(),
    }),
  );
  results.writeThenState = await timed(
    20,
    async (i) => (
      await post({
        type: 'AddSubjects',
        measureId: `soak-${i % MEASURES}`,
        subjects: [`again-${i}`],
        effectiveFrom: '2019-01-01',
      }),
      get(`/v1/subjects/${subject(i)}/state`)
    ),
  );
  results.state = await timed(20, (i) => get(`/v1/subjects/${subject(i)}/state`));
  results.check = await timed(20, (i) => get(`/v1/subjects/${subject(i)}/check?category=exports`));
  results.measure = await timed(10, (i) => get(`/v1/measures/soak-${i % MEASURES}`));
  results.timeline = await timed(10, (i) => get(`/v1/subjects/${subject(i)}/timeline`));
  results.effectiveFeed200 = spread([await effectiveFeed(url, 200)]);
  const health = JSON.parse((await get('/health')).body) as { eventLoopMaxDelayMs: number };
  results.loopMaxDelayMs = health.eventLoopMaxDelayMs;
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(18)} ${JSON.stringify(value)}`);
  server.child.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}

await main();
