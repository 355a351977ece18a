/**
 * Report benchmark.
 *
 * 1. The time to work out what an auditor's report answers (a verdict and
 *    its explanation on every category of the subject's measures, and since
 *    when each restriction holds) for random subjects and valid times at the
 *    head, on the synthetic ledgers of the other benchmarks.
 * 2. A measure of many categories, in process on an in-memory store: the
 *    time to build the whole report and its size in every format, for one
 *    imposition naming N categories and for a measure that reached N
 *    categories through many broadenings. Size and time should grow about
 *    linearly with N.
 *
 *   npm run build && node dist/bench/reports.js          # 10k and 100k events; N = 500 … 20,000
 *   npm run build && node dist/bench/reports.js --full   # and 1M
 *   npm run build && node dist/bench/reports.js --categories-only --sizes=2000,5000
 */
import { evolve, initialState } from '../projections/ledger-read-model.js';
import { reportAnswers } from '../src/investigations/report.js';
import { benchSizes, generateLedger, random } from './generate-ledger.js';
import { machine, percentile, round } from './lib.js';
import { reportOfManyCategories } from './reports-many-categories.js';

const REPORTS = 500;
const DAY = 86_400_000;

console.log(machine());
if (!process.argv.includes('--categories-only')) {
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
}

const sizesArg = process.argv.find((a) => a.startsWith('--sizes='));
const SIZES = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(Number) : [500, 2_000, 5_000, 20_000];
for (const shape of ['one imposition', 'broadened 100 at a time'] as const) {
  for (const categories of SIZES) {
    const row = await reportOfManyCategories(categories, shape === 'one imposition' ? categories : 100);
    console.log(`${shape}, ${categories} categories:`, row);
  }
}
