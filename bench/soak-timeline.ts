/**
 * One reader's heaviest question in the soak, in process and without noise:
 * the timeline of a subject of a soak-shaped measure (see soak-ledger.ts),
 * with the time and CPU in all and the longest stretch between two pauses
 * (what a server's event loop would be held for at once; on a busy machine
 * the wall-clock figures include time the process waited for a core, so
 * compare CPU). Several ledger sizes, comma-separated, show how the cost
 * grows with a measure's instants; with --expose-gc, also the heap a timeline
 * holds while paused (as a server's timelines wait on the pacer) at a quarter,
 * half and nine tenths of its steps.
 *
 *   npm run build --silent && node --expose-gc dist/bench/soak-timeline.js 12500,25000,50000
 */
import { evolve, initialState, type LedgerReadModel } from '../projections/ledger-read-model.js';
import { subjectTimelineSteps } from '../projections/subject-queries.js';
import { machine, round } from './lib.js';
import { soakLedger } from './soak-ledger.js';

const SIZES = (process.argv[2] ?? '25000').split(',').map(Number);
const SUBJECTS = ['m0-s1', 'm3-s40', 'm7-s0'];
const collect = (globalThis as { gc?: () => void }).gc;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
};

function timed(model: LedgerReadModel, subject: string) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // The longest stretch in wall-clock time and in CPU time (the process's: a busy machine stretches the first).
  let longest = 0;
  let longestCpu = 0;
  let last = started;
  let lastCpu = process.cpuUsage();
  let count = 0;
  const steps = subjectTimelineSteps(model, subject, model.position);
  let step = steps.next();
  const stretchEnds = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, cpuMs(lastCpu));
    last = now;
    lastCpu = process.cpuUsage();
  };
  while (!step.done) {
    stretchEnds();
    count++;
    step = steps.next();
  }
  stretchEnds();
  return {
    ms: performance.now() - started,
    cpu: cpuMs(cpuBefore),
    longest,
    longestCpu,
    steps: count,
    intervals: step.value.intervals.length,
  };
}

/** The heap (MB) a timeline holds paused after `share` of its `steps`, against the heap before it began. */
function heldInFlight(model: LedgerReadModel, subject: string, steps: number, share: number): number {
  collect!();
  const before = process.memoryUsage().heapUsed;
  const paused = subjectTimelineSteps(model, subject, model.position);
  for (let i = 0; i < steps * share; i++) paused.next();
  collect!();
  const held = process.memoryUsage().heapUsed - before;
  paused.return(undefined as never);
  return held / 1e6;
}

console.log(`soak timeline, ${machine()}`);
for (const events of SIZES) {
  const { ledger } = soakLedger(events);
  const model = initialState();
  for (const event of ledger) evolve(model, event);
  console.log(`${events} events:`);
  for (const subject of SUBJECTS) {
    const t = timed(model, subject);
    const held = collect
      ? `; held in flight at 1/4, 1/2, 9/10 of its steps: ${[0.25, 0.5, 0.9].map((share) => round(heldInFlight(model, subject, t.steps, share), 1)).join(', ')} MB`
      : '';
    console.log(
      `  ${subject}: ${round(t.ms, 1)} ms in all (CPU ${round(t.cpu, 1)} ms), longest without a pause ${round(t.longest, 1)} ms (CPU ${round(t.longestCpu, 1)} ms), ${t.intervals} intervals${held}`,
    );
  }
}
