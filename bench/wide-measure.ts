/**
 * One measure naming many subjects at once (an entity list of tens of
 * thousands): the command checked and decided, the event folded, the measure
 * viewed. Each step should grow about linearly with the subjects: a step that
 * compares every pair of subjects took 13 s at 100,000.
 *
 *   npm run build && node dist/bench/wide-measure.js [largest=100000]
 */
import 'reflect-metadata';
import { measureView } from '../projections/measure-view.js';
import { evolve, initialState } from '../projections/ledger-read-model.js';
import { decide, initialState as streamState } from '../src/domain/decide.js';
import { parseCommand } from '../src/ledger/parse-command.js';
import { machine, round } from './lib.js';

const largest = Number(process.argv[2] ?? 100_000);
const time = <T>(work: () => T): [T, number] => {
  const started = performance.now();
  return [work(), performance.now() - started];
};

console.log(`Wide measure, ${new Date().toISOString().slice(0, 16)}, ${machine()}`);
console.log('subjects  check ms  decide ms  fold ms  view ms');
for (let n = largest / 8; n <= largest; n *= 2) {
  const body = {
    type: 'ImposeRestriction',
    measureId: 'wide',
    title: 'wide',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: Array.from({ length: n }, (_, i) => `s${i}`),
    categories: ['exports'],
    effectiveFrom: '2019-01-01',
  };
  const [parsed, checkMs] = time(() => parseCommand(body));
  const [decision, decideMs] = time(() => decide(parsed.command, streamState('wide')));
  if ('rejection' in decision) throw new Error(`refused: ${JSON.stringify(decision).slice(0, 200)}`);
  const model = initialState();
  const [, foldMs] = time(() =>
    decision.events.forEach((event, i) =>
      evolve(model, {
        streamId: 'measure-wide',
        eventId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        type: event.type,
        data: event.data,
        revision: BigInt(i),
        position: BigInt(i + 1),
        recordedAt: new Date().toISOString(),
      }),
    ),
  );
  const [view, viewMs] = time(() =>
    measureView(model, 'wide', { at: Date.UTC(2020, 0, 1), asOfPosition: model.position }),
  );
  if (view?.subjects.length !== n) throw new Error(`the view names ${view?.subjects.length} subjects, not ${n}`);
  console.log(
    [n, round(checkMs), round(decideMs), round(foldMs), round(viewMs)].map((x) => String(x).padStart(9)).join(' '),
  );
}
