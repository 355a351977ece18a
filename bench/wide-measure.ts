/**
 * One measure naming many subjects (an entity list of tens of thousands,
 * 10,000 per command): the commands checked and decided, their events folded,
 * the measure viewed. Each step should grow about linearly with the subjects: a step that
 * compares every pair of subjects took 13 s at 100,000.
 *
 *   npm run build && node dist/bench/wide-measure.js [largest=100000]
 */
import 'reflect-metadata';
import { measureView } from '../projections/measure-view.js';
import { parseCommand } from '../src/ledger/parse-command.js';
import { machine, round } from './lib.js';
import { OneMeasure } from './one-measure.js';

const largest = Number(process.argv[2] ?? 100_000);
const time = <T>(work: () => T): [T, number] => {
  const started = performance.now();
  return [work(), performance.now() - started];
};

console.log(`Wide measure, ${new Date().toISOString().slice(0, 16)}, ${machine()}`);
console.log('subjects  check ms  decide ms  fold ms  view ms');
const PER_COMMAND = 10_000;
for (let n = largest / 8; n <= largest; n *= 2) {
  const subjects = Array.from({ length: n }, (_, i) => `s${i}`);
  // At most 10,000 subjects per command: an imposition, then additions.
  const bodies = [];
  for (let from = 0; from < n; from += PER_COMMAND) {
    const chunk = subjects.slice(from, from + PER_COMMAND);
    bodies.push(
      from === 0
        ? {
            type: 'ImposeRestriction',
            measureId: 'wide',
            title: 'wide',
            jurisdiction: 'US',
            authority: 'BIS',
            subjects: chunk,
            categories: ['exports'],
            effectiveFrom: '2019-01-01',
          }
        : { type: 'AddSubjects', measureId: 'wide', subjects: chunk, effectiveFrom: '2019-06-01' },
    );
  }
  const measure = new OneMeasure('wide');
  const model = measure.model;
  let checkMs = 0;
  let decideMs = 0;
  let foldMs = 0;
  for (const body of bodies) {
    const [parsed, checked] = time(() => parseCommand(body));
    const [events, decided] = time(() => measure.decide(parsed.command));
    const [, folded] = time(() => measure.fold(events));
    checkMs += checked;
    decideMs += decided;
    foldMs += folded;
  }
  const [view, viewMs] = time(() =>
    measureView(model, 'wide', { at: Date.UTC(2020, 0, 1), asOfPosition: model.position }),
  );
  if (view?.subjects.length !== n) throw new Error(`the view names ${view?.subjects.length} subjects, not ${n}`);
  console.log(
    [n, round(checkMs), round(decideMs), round(foldMs), round(viewMs)].map((x) => String(x).padStart(9)).join(' '),
  );
}
