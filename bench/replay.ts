/**
 * Replay benchmark: how long one subject's replay takes (valid order, with
 * every change's causes, and record order) on a single measure of 1,000 and
 * 3,000 events, with the timeline and a check's explanation for comparison.
 * A replay runs synchronously, so its time is also how long it holds the event
 * loop.
 *
 *   npm run bench:replay
 */
import { performance } from 'node:perf_hooks';
import { explainCheck } from '../projections/explain.js';
import { evolve, initialState } from '../projections/ledger-read-model.js';
import { replaySubject } from '../projections/replay.js';
import { checkCategory, subjectTimeline } from '../projections/subject-queries.js';
import { generateLedger } from './generate-ledger.js';
import { machine, spread } from './lib.js';

const SIZES = [1_000, 3_000];
const RUNS = 3;

function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

console.log(`replay benchmark on ${machine()}; median of ${RUNS} runs (min–max), ms`);
for (const size of SIZES) {
  const events = generateLedger({ measures: 1, subjects: 50, eventsPerMeasure: size });
  const model = events.reduce(evolve, initialState());
  // A subject of the imposition: it is in the measure from the start, so every transition concerns it.
  const subject = (events[0]!.data as { subjects: string[] }).subjects[0]!;
  const head = model.position;
  const k = { at: Date.now(), asOfPosition: head };
  const figures = {
    valid: [] as number[],
    record: [] as number[],
    validHalfKnown: [] as number[],
    timeline: [] as number[],
    explain: [] as number[],
  };
  const steps = { valid: 0, record: 0 };
  for (let run = 0; run < RUNS; run++) {
    figures.valid.push(
      time(() => (steps.valid = replaySubject(model, subject, { order: 'valid', asOfPosition: head }).steps.length)),
    );
    figures.record.push(
      time(() => (steps.record = replaySubject(model, subject, { order: 'record', asOfPosition: head }).steps.length)),
    );
    // As known half-way: the measure is resolved afresh, not read from the cached head.
    figures.validHalfKnown.push(time(() => replaySubject(model, subject, { order: 'valid', asOfPosition: head / 2n })));
    figures.timeline.push(time(() => subjectTimeline(model, subject, head)));
    figures.explain.push(time(() => explainCheck(model, checkCategory(model, subject, 'exports/c3', k), k)));
  }
  console.log(
    `${size} events (subject ${subject}; ${steps.valid} valid-order steps, ${steps.record} record-order steps)`,
  );
  for (const [name, values] of Object.entries(figures)) {
    const s = spread(values);
    console.log(`  ${name.padEnd(15)} ${String(s.median).padStart(9)} ms  (${s.min}–${s.max})`);
  }
}
