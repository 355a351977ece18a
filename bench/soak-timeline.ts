/**
 * One reader's heaviest question in the soak, in process and without noise:
 * the timeline of a subject of a soak-shaped measure (see soak-ledger.ts),
 * with the time and CPU in all and the longest stretch between two pauses
 * (what a server's event loop would be held for at once; on a busy machine
 * the wall-clock figures include time the process waited for a core, so
 * compare CPU).
 *
 *   npm run build --silent && node dist/bench/soak-timeline.js 25000
 */
import { evolve, initialState } from '../projections/ledger-read-model.js';
import { subjectTimelineSteps } from '../projections/subject-queries.js';
import { machine, round } from './lib.js';
import { soakLedger } from './soak-ledger.js';

const EVENTS = Number(process.argv[2] ?? 25_000);
const { ledger } = soakLedger(EVENTS);
const model = initialState();
for (const event of ledger) evolve(model, event);
console.log(`soak timeline, ${machine()}: ${EVENTS} events`);
for (const subject of ['m0-s1', 'm3-s40', 'm7-s0']) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let longest = 0;
  let last = started;
  const steps = subjectTimelineSteps(model, subject, model.position);
  let step = steps.next();
  while (!step.done) {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    step = steps.next();
  }
  longest = Math.max(longest, performance.now() - last);
  const cpu = process.cpuUsage(cpuBefore);
  console.log(`${subject}: ${round(performance.now() - started, 1)} ms in all (CPU ${round((cpu.user + cpu.system) / 1000, 1)} ms), longest without a pause ${round(longest, 1)} ms, ${step.value.intervals.length} intervals`);
}
