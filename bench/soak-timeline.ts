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
  // The longest stretch in wall-clock time and in CPU time (the process's: a busy machine stretches the first).
  let longest = 0;
  let longestCpu = 0;
  let last = started;
  let lastCpu = process.cpuUsage();
  const steps = subjectTimelineSteps(model, subject, model.position);
  let step = steps.next();
  const stretchEnds = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  while (!step.done) {
    stretchEnds();
    step = steps.next();
  }
  stretchEnds();
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `${subject}: ${round(performance.now() - started, 1)} ms in all (CPU ${round((cpu.user + cpu.system) / 1000, 1)} ms), longest without a pause ${round(longest, 1)} ms (CPU ${round(longestCpu, 1)} ms), ${step.value.intervals.length} intervals`,
  );
}
