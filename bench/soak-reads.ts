/**
 * Each read the soak makes, in process on its ledger shape (see soak-ledger.ts), and what it holds the event loop
 * for: a check with its explanation, a state, a report's since-dates, a measure view, a timeline, and one effective
 * feed's evaluation of a record and of an instant. For each: the longest stretch between two pauses (a whole answer
 * where the server does not pause it) in wall-clock and in CPU time, and the CPU of the whole answer. Each answer is
 * asked "after a write": one more subject is added to its measure first, as the soak's writers do between reads, so
 * what is kept per version of a measure is worked out again, as in the soak. On a busy machine wall-clock figures
 * include waiting for a core: compare CPU.
 *
 *   npm run build --silent && node dist/bench/soak-reads.js 25000 [rounds] [check,state,...]
 */
import {
  evolve,
  initialState,
  measureIdOf,
  positionAsOf,
  type LedgerReadModel,
} from '../projections/ledger-read-model.js';
import { explainCheck } from '../projections/explain.js';
import { measureViewSteps } from '../projections/measure-view.js';
import { checkCategory, subjectState, subjectTimelineSteps } from '../projections/subject-queries.js';
import {
  instantsNamedBy,
  transitionsAtInstant,
  transitionsOnRecord,
  type SubjectOutcome,
} from '../projections/effective-changes.js';
import { reportAnswers } from '../src/investigations/report.js';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';
import { machine, round, spread } from './lib.js';
import { MEASURES, soakLedger } from './soak-ledger.js';

const EVENTS = Number(process.argv[2] ?? 25_000);
const ROUNDS = Number(process.argv[3] ?? 10);
/** Only these reads (comma-separated names), e.g. to profile one. */
const ONLY = process.argv[4]?.split(',');

const cpuMs = (since: NodeJS.CpuUsage) => {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
};

interface Held {
  /** The longest stretch between two pauses, wall-clock and CPU (ms). */
  hold: number;
  holdCpu: number;
  /** The whole answer's CPU (ms). */
  cpu: number;
}

/** Runs a computation that pauses (yields) between units of work to its end, timing each stretch. */
function stepped(steps: Iterator<unknown>): Held {
  const cpuBefore = process.cpuUsage();
  let hold = 0;
  let holdCpu = 0;
  for (;;) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const step = steps.next();
    hold = Math.max(hold, performance.now() - t0);
    holdCpu = Math.max(holdCpu, cpuMs(c0));
    if (step.done) break;
  }
  return { hold, holdCpu, cpu: cpuMs(cpuBefore) };
}

/** An answer the server works out in one go. */
function whole(answer: () => unknown): Held {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  answer();
  const hold = performance.now() - t0;
  const cpu = cpuMs(cpuBefore);
  return { hold, holdCpu: cpu, cpu };
}

function main() {
  const { ledger, subjects } = soakLedger(EVENTS);
  const model: LedgerReadModel = initialState();
  for (const event of ledger) evolve(model, event);
  let position = ledger.length;
  const base = Date.parse(ledger.at(-1)!.recordedAt);
  // One more subject for a measure, recorded now: the soak's writers write between every two reads.
  const write = (m: number): LoggedEvent => {
    position++;
    const event: LoggedEvent = {
      streamId: `measure-soak-${m}`,
      eventId: `10000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type: 'SubjectsAdded',
      data: { measureId: `soak-${m}`, subjects: [`w${position}`], effectiveFrom: '2019-01-01T00:00:00.000Z' },
      revision: BigInt(model.measures.get(`soak-${m}`)!.facts.length),
      position: BigInt(position),
      recordedAt: new Date(base + (position - ledger.length) * 10).toISOString(),
    };
    evolve(model, event);
    return event;
  };
  const subject = (i: number) => `m${i % MEASURES}-s${1 + ((i * 7919) % subjects[i % MEASURES]!)}`;
  const now = () => ({ at: base + (position - ledger.length) * 10, asOfPosition: model.position });
  const reads: Record<string, (i: number) => Held> = {
    check: (i) =>
      whole(() => {
        const answer = checkCategory(model, subject(i), 'exports', now());
        explainCheck(model, answer, now());
      }),
    state: (i) => whole(() => subjectState(model, subject(i), now())),
    reportSince: (i) => whole(() => reportAnswers(model, subject(i), now(), ['exports'])),
    measureView: (i) => stepped(measureViewSteps(model, `soak-${i % MEASURES}`, now())),
    timeline: (i) => stepped(subjectTimelineSteps(model, subject(i), model.position)),
    feedRecord: (i) => {
      const event = write(i % MEASURES);
      return stepped(
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
        }) as Iterator<SubjectOutcome>,
      );
    },
    // The next instant a fact of the measure names (a licence's end, a broadening's start), as known when it comes.
    feedInstant: (i) => {
      const measureId = `soak-${i % MEASURES}`;
      const at = now().at;
      const instant = Math.min(
        ...model.measures
          .get(measureId)!
          .facts.flatMap((f) => instantsNamedBy(f.data))
          .filter((t) => t > at),
      );
      return stepped(transitionsAtInstant(model, instant, [measureId], positionAsOf(model, instant)));
    },
  };
  console.log(
    `soak reads, ${machine()}: ${EVENTS} events in ${MEASURES} measures (~${Math.round(EVENTS / MEASURES)} each), ${ROUNDS} of each after a write`,
  );
  for (const [name, read] of Object.entries(reads)) {
    if (ONLY && !ONLY.includes(name)) continue;
    const held: Held[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      write(i % MEASURES);
      held.push(read(i));
    }
    const figure = (pick: (h: Held) => number) => spread(held.map(pick));
    console.log(
      `${name.padEnd(12)} hold ${JSON.stringify(figure((h) => h.hold))} holdCpu ${JSON.stringify(figure((h) => h.holdCpu))} cpu ${JSON.stringify(figure((h) => round(h.cpu, 1)))}`,
    );
  }
}

main();
