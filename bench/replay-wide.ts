/**
 * Replay of a subject whose one measure has many deep categories (512
 * characters each), then broadens by as many shallow ones and narrows every
 * deep one: three events. A server runs replay in paced slices, pausing at each
 * yield, so the longest stretch between two yields is how long one reader can
 * hold the event loop; the total should grow about linearly with the
 * categories.
 *
 * A command names at most 2,000 categories, so 2,000 is the widest one measure starts with.
 *
 *   npm run build && node dist/bench/replay-wide.js [largest=2000]
 */
import 'reflect-metadata';
import { replaySubjectSteps, type ReplayOptions } from '../projections/replay.js';
import { parseCommand } from '../src/ledger/parse-command.js';
import { machine, round } from './lib.js';
import { OneMeasure } from './one-measure.js';

const largest = Number(process.argv[2] ?? 2_000);
const deep = (i: number) => `c${i}/${Array.from({ length: 60 }, () => 's').join('/')}`.slice(0, 512);

function wideLedger(n: number) {
  const bodies = [
    {
      type: 'ImposeRestriction',
      measureId: 'wide',
      title: 'wide',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: ['s'],
      categories: Array.from({ length: n }, (_, i) => deep(i)),
      effectiveFrom: '2020-01-01',
    },
    {
      type: 'BroadenScope',
      measureId: 'wide',
      categories: Array.from({ length: n }, (_, i) => `d${i}`),
      effectiveFrom: '2020-08-01',
    },
    {
      type: 'NarrowScope',
      measureId: 'wide',
      remove: Array.from({ length: n }, (_, i) => `c${i}/s`),
      effectiveFrom: '2020-09-01',
    },
  ];
  const measure = new OneMeasure('wide');
  for (const body of bodies) measure.fold(measure.decide(parseCommand(body).command));
  return measure.model;
}

/** Runs a paused replay to its end: the total time, the longest stretch between pauses, and the steps. */
function drive(work: Generator<void, { steps: unknown[] }>) {
  const started = performance.now();
  let last = started;
  let longest = 0;
  for (;;) {
    const step = work.next();
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (step.done) return { totalMs: now - started, longestMs: longest, steps: step.value.steps.length };
  }
}

console.log(`Replay of a wide, deep measure, ${new Date().toISOString().slice(0, 16)}, ${machine()}`);
console.log('categories  order   steps  total ms  longest hold ms');
for (let n = largest / 8; n <= largest; n *= 2) {
  const model = wideLedger(n);
  for (const order of ['valid', 'record'] as const) {
    const options: ReplayOptions = { order, asOfPosition: model.position };
    const { totalMs, longestMs, steps } = drive(replaySubjectSteps(model, 's', options));
    console.log(
      [String(n).padStart(10), order.padEnd(6), String(steps).padStart(6), round(totalMs, 1), round(longestMs, 1)]
        .map((x) => String(x).padStart(9))
        .join(' '),
    );
  }
}
