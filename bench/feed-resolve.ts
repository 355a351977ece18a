/**
 * What one effective-feed client costs when it resumes where no other client
 * stands, in process on the soak's ledger shape: the transitions of records
 * of a long measure, each evaluated as known just before and just after the
 * record, and of instants at which its facts take effect or end, each
 * evaluated just before and at the instant for every subject concerned. The
 * first record after a jump resolves the measure as known there; the records
 * after it extend that resolution. The feed lets the event loop run between
 * two subjects, so what blocks it is the longest step.
 *
 *   npm run build --silent && node dist/bench/feed-resolve.js 30000
 */
import { evolve, initialState, measureIdOf, positionAsOf } from '../projections/ledger-read-model.js';
import {
  instantsNamedBy,
  transitionsAtInstant,
  transitionsOnRecord,
  type SubjectOutcome,
} from '../projections/effective-changes.js';
import { machine, spread } from './lib.js';
import { soakLedger } from './soak-ledger.js';
import { random } from './generate-ledger.js';

const EVENTS = Number(process.argv[2] ?? 30_000);
const JUMPS = 30;
const FOLLOWING = 5;

/** Runs one record's or instant's transitions to the end: its longest step and its whole time (ms). */
function timed(outcomes: Generator<SubjectOutcome>): { longest: number; total: number } {
  let longest = 0;
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const step = outcomes.next();
    longest = Math.max(longest, performance.now() - t0);
    if (step.done) break;
  }
  return { longest, total: performance.now() - started };
}

function main() {
  const { ledger } = soakLedger(EVENTS);
  let model = initialState();
  for (const event of ledger) model = evolve(model, event);
  const rnd = random(3);
  const first: number[] = [];
  const next: number[] = [];
  const totals: number[] = [];
  const instantSteps: number[] = [];
  const instantTotals: number[] = [];
  for (let j = 0; j < JUMPS; j++) {
    const start = Math.floor(ledger.length / 2 + rnd() * (ledger.length / 2 - FOLLOWING));
    for (let k = 0; k < FOLLOWING; k++) {
      const event = ledger[start + k]!;
      const { longest, total } = timed(
        transitionsOnRecord(model, {
          measureId: measureIdOf(event),
          type: event.type,
          data: event.data,
          position: event.position,
          atMs: Date.parse(event.recordedAt),
          cause: {
            eventId: event.eventId,
            type: event.type as never,
            position: `${event.position}`,
            recordedAt: event.recordedAt,
          },
        }),
      );
      (k === 0 ? first : next).push(longest);
      totals.push(total);
      // An instant this record names (a licence's end, a broadening's start), as known when the clock reaches it.
      for (const instant of instantsNamedBy(event.data).filter((t) => t > Date.parse(event.recordedAt))) {
        const position = positionAsOf(model, instant);
        const measured = timed(transitionsAtInstant(model, instant, [measureIdOf(event)], position));
        instantSteps.push(measured.longest);
        instantTotals.push(measured.total);
      }
    }
  }
  console.log(`feed resolve, ${machine()}: ${EVENTS} events in 10 measures`);
  console.log('longest step, first record after a jump (ms):', spread(first));
  console.log('longest step, records after it (ms):', spread(next));
  console.log('every subject of a record (ms):', spread(totals));
  console.log(`longest step of an instant (ms, ${instantSteps.length} instants):`, spread(instantSteps));
  console.log('every subject of an instant (ms):', spread(instantTotals));
}

main();
