/**
 * Report benchmark: the time to work out what an auditor's report answers
 * (a verdict and its explanation on every category of the subject's
 * measures, and since when each restriction holds) for random subjects and
 * valid times at the head, on the synthetic ledgers of the other benchmarks.
 *
 *   npm run build && node dist/bench/reports.js          # 10k and 100k events
 *   npm run build && node dist/bench/reports.js --full   # and 1M
 */
import { evolve, initialState } from '../projections/ledger-read-model.js';
import { reportAnswers } from '../src/investigations/report.js';
import { benchSizes, generateLedger, random } from './generate-ledger.js';
import { machine, percentile, round } from './lib.js';

const REPORTS = 500;
const DAY = 86_400_000;

console.log(machine());
for (const shape of benchSizes(!process.argv.includes('--full'))) {
  const model = generateLedger(shape).reduce(evolve, initialState());
  const run = (seed: number) => {
    const rnd = random(seed);
    const samples: number[] = [];
    let categories = 0;
    for (let i = 0; i < REPORTS; i++) {
      const subject = `s${Math.floor(rnd() * shape.subjects)}`;
      const k = { at: Date.UTC(2015, 0, 1) + Math.floor(rnd() * 4000) * DAY, asOfPosition: model.position };
      const started = performance.now();
      categories += reportAnswers(model, subject, k).verdicts.length;
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return {
      p50: round(percentile(samples, 50)),
      p99: round(percentile(samples, 99)),
      categoriesPerReport: round(categories / REPORTS, 1),
    };
  };
  run(1); // warm-up: the measures' valid-time steps are computed once
  console.log(`${shape.label}: report answers (ms)`, run(2));
}
