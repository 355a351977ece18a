/**
 * What one effective-feed client costs when it resumes where no other client
 * stands: the transitions of records of a long measure, each evaluated as
 * known just before and just after the record, in process on the soak's
 * ledger shape. The first record after a jump resolves the measure as known
 * there; the records after it extend that resolution.
 *
 *   npm run build --silent && node dist/bench/feed-resolve.js 30000
 */
import { evolve, initialState, measureIdOf } from '../projections/ledger-read-model.js';
import { transitionsOnRecord } from '../projections/effective-changes.js';
import { machine, spread } from './lib.js';
import { soakLedger } from './soak-ledger.js';
import { random } from './generate-ledger.js';

const EVENTS = Number(process.argv[2] ?? 30_000);
const JUMPS = 30;
const FOLLOWING = 5;

function main() {
  const { ledger } = soakLedger(EVENTS);
  let model = initialState();
  for (const event of ledger) model = evolve(model, event);
  const rnd = random(3);
  const first: number[] = [];
  const next: number[] = [];
  const totals: number[] = [];
  for (let j = 0; j < JUMPS; j++) {
    const start = Math.floor(ledger.length / 2 + rnd() * (ledger.length / 2 - FOLLOWING));
    for (let k = 0; k < FOLLOWING; k++) {
      const event = ledger[start + k]!;
      const outcomes = transitionsOnRecord(model, {
        measureId: measureIdOf(event),
        type: event.type,
        data: event.data,
        position: event.position,
        recordedMs: Date.parse(event.recordedAt),
        cause: {
          eventId: event.eventId,
          type: event.type as never,
          position: `${event.position}`,
          recordedAt: event.recordedAt,
        },
      });
      // The feed lets the event loop run between two subjects: what blocks it is the longest step.
      let longest = 0;
      const started = performance.now();
      for (;;) {
        const t0 = performance.now();
        const step = outcomes.next();
        longest = Math.max(longest, performance.now() - t0);
        if (step.done) break;
      }
      (k === 0 ? first : next).push(longest);
      totals.push(performance.now() - started);
    }
  }
  console.log(`feed resolve, ${machine()}: ${EVENTS} events in 10 measures`);
  console.log('longest step, first record after a jump (ms):', spread(first));
  console.log('longest step, records after it (ms):', spread(next));
  console.log('every subject of a record (ms):', spread(totals));
}

main();
