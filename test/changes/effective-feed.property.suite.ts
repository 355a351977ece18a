/**
 * The effective feed against the oracle, over both shapes of random valid history (history-generator.ts): the
 * default one, its record times moved among the days it names so that records and instants interleave and sometimes
 * coincide, and `WIDE` (four measures, exemptions and announcements each, instants at any millisecond written with
 * offsets, record times at an instant, 1 ms either side or within a day). Each subject the log names gets, as its
 * transitions, exactly the changes of its restricted set (as the naive oracle folds the log) at every record and every
 * instant the history names (no other instant can change an answer), in order, with the right ids; a client resuming
 * from any id, or from now at any record, gets exactly the rest.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import type { EffectiveTransition } from '../../projections/effective-changes.js';
import { effectiveTransitions, nowKeyId, transitionJson } from '../../src/changes/effective-feed.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { FakeClock } from '../support/fake-clock.js';
import { DAY, EPOCH, HISTORIES, interleaved, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog, subjectsNamed, type OracleEvent } from '../support/oracle.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

/**
 * Each shape of history, with the runs it gets and the least the histories must give the checks (measured at the
 * fixed seed, about half of it): fewer runs of each than either had alone, the two together covering both.
 */
const SHAPES = [
  {
    shape: 'default',
    histories: HISTORIES.default.map((events) => interleaved(events)),
    runs: 25,
    least: { atInstants: 100, atRecords: 15 },
  },
  { shape: 'wide', histories: HISTORIES.wide, runs: 25, least: { atInstants: 250, atRecords: 600 } },
];

describe('changes/effective-feed.property', () => {
  const oracle = new Oracle(UNIVERSE);
  interface Seen {
    id: string;
    subjectId: string;
    at: string;
    restricted: string[];
    becameRestricted: string[];
    becameUnrestricted: string[];
  }

  const paths = (answer: { categories: string[]; except: string[] }) => pathsOf(answer.categories, answer.except);

  const seen = (t: EffectiveTransition): Seen => ({
    id: t.id,
    subjectId: t.subjectId,
    at: t.at,
    restricted: paths(t.restricted),
    becameRestricted: paths(t.became.restricted),
    becameUnrestricted: paths(t.became.unrestricted),
  });

  /** What the oracle says the feed owes: every change of a subject's restricted set, moment by moment. */
  function expectedTransitions(events: LoggedEvent[]): Seen[] {
    const log = oracleLog(events);
    const recorded = events.map((e) => ({ ms: Date.parse(e.recordedAt), position: Number(e.position) }));
    const knownAt = (ms: number) => recorded.filter((r) => r.ms <= ms).at(-1)?.position ?? 0;
    const standing = new Map<number, OracleEvent[]>();
    const standingAt = (known: number) =>
      standing.get(known) ?? standing.set(known, oracle.standing(log, known)).get(known)!;
    const restricted = (subject: string, at: number, known: number) =>
      Oracle.union(oracle.answerFrom(standingAt(known), subject, at)).restricted;
    // Every subject the log names: the affiliates added at once too.
    const subjects = [...new Set(log.flatMap((e) => subjectsNamed(e.data)))].sort();
    // A moment: its time, 0 for a record and 1 for an instant, the position known, the valid time its state is read
    // at, and the state just before it. A record changes what is known just before its time; what takes effect at
    // its time itself follows, at the instant: so each moment starts where the one before it ended.
    const moments: { time: number; kind: number; position: number; validAt: number; before: [number, number] }[] = [
      ...recorded.map((r) => ({
        time: r.ms,
        kind: 0,
        position: r.position,
        validAt: r.ms - 1,
        before: [r.ms - 1, r.position - 1] as [number, number],
      })),
      ...Oracle.instants(log).map((time) => {
        const position = knownAt(time);
        return { time, kind: 1, position, validAt: time, before: [time - 1, position] as [number, number] };
      }),
    ].sort((a, b) => a.time - b.time || a.kind - b.kind || a.position - b.position);
    const expected: Seen[] = [];
    for (const moment of moments) {
      for (const subject of subjects) {
        const before = restricted(subject, ...moment.before);
        const after = restricted(subject, moment.validAt, moment.position);
        if (before.join() === after.join()) continue;
        expected.push({
          id: `${moment.time}-${moment.kind}-${moment.position}-${subject}`,
          subjectId: subject,
          at: new Date(moment.time).toISOString(),
          restricted: after,
          becameRestricted: after.filter((p) => !before.includes(p)),
          becameUnrestricted: before.filter((p) => !after.includes(p)),
        });
      }
    }
    return expected;
  }

  /** Each subject's transitions chain: each starts from what the one before it left restricted, so none repeats. */
  function expectChained(transitions: Seen[]): void {
    const last = new Map<string, string[]>();
    for (const t of transitions) {
      const before = last.get(t.subjectId) ?? [];
      const expected = [...before.filter((p) => !t.becameUnrestricted.includes(p)), ...t.becameRestricted].sort();
      expect({
        id: t.id,
        restricted: t.restricted,
        repeated: t.becameRestricted.filter((p) => before.includes(p)),
      }).toEqual({ id: t.id, restricted: expected, repeated: [] });
      last.set(t.subjectId, t.restricted);
    }
  }

  /** One client's transitions; clients given the same read model share what they work out (projections/shared-outcomes.ts). */
  async function readFeed(
    events: LoggedEvent[],
    options: { after: string; subjects?: string[] },
    readModel = readModelOf(events),
  ): Promise<Seen[]> {
    const clock = new FakeClock(EPOCH + 400 * DAY);
    const received: Seen[] = [];
    const signal = new AbortController().signal;
    // As a client reads it: the text sent (its parts serialised once for every subject and client told them).
    for await (const t of effectiveTransitions(fixedStore(events), readModel, clock, { ...options, signal })) {
      const text = transitionJson(t);
      if (text !== JSON.stringify(t)) throw new Error(`sent ${text} for ${JSON.stringify(t)}`);
      received.push(seen(JSON.parse(text) as EffectiveTransition));
    }
    return received;
  }

  const FROM_THE_START = '0-1-0-';

  /** Whether a transition comes after "now" at `now`, the ledger holding `known` events: a later moment, a record after them, or an instant at `now` itself. */
  function startsAfterNow(id: string, now: number, known: number): boolean {
    const [time, kind, position] = id.split('-').map(Number) as [number, number, number];
    return time > now || (time === now && (kind === 1 || position > known));
  }

  describe.each(SHAPES)('effective feed against the oracle, over $shape histories', (shape) => {
    it("sends every change of each subject's restricted set, once, in order, and a resume from any id sends exactly the rest", async () => {
      let transitions = 0;
      let atInstants = 0;
      await fc.assert(
        fc.asyncProperty(shape.histories, fc.nat(), fc.constantFrom(...SUBJECTS), async (events, pick, subject) => {
          const expected = expectedTransitions(events);
          const all = await readFeed(events, { after: FROM_THE_START });
          expect(all).toEqual(expected);
          expectChained(all);
          transitions += all.length;
          atInstants += all.filter((t) => t.id.split('-')[1] === '1').length;
          for (const from of expected.length ? [0, expected.length - 1, pick % expected.length] : []) {
            const resumed = await readFeed(events, { after: expected[from]!.id });
            expect(resumed.map((t) => t.id)).toEqual(expected.slice(from + 1).map((t) => t.id));
          }
          expect(await readFeed(events, { after: FROM_THE_START, subjects: [subject] })).toEqual(
            expected.filter((t) => t.subjectId === subject),
          );
          // Clients of one ledger, at once and one after another, each get the oracle's answer from what the others worked out.
          const shared = readModelOf(events);
          const [first, filtered] = await Promise.all([
            readFeed(events, { after: FROM_THE_START }, shared),
            readFeed(events, { after: FROM_THE_START, subjects: [subject] }, shared),
          ]);
          expect(first).toEqual(expected);
          expect(filtered).toEqual(expected.filter((t) => t.subjectId === subject));
          expect(await readFeed(events, { after: FROM_THE_START }, shared)).toEqual(expected);
          // A client "from now", connected as the ledger held its first k events, the next one recorded in the same
          // millisecond as the k-th: every transition after, none before.
          const k = pick % (events.length + 1);
          const log =
            k > 0 && k < events.length
              ? events.map((e, i) => (i === k ? { ...e, recordedAt: events[k - 1]!.recordedAt } : e))
              : events;
          // Before anything: every instant and record time of either shape of history is later.
          const now = k ? Date.parse(log[k - 1]!.recordedAt) : EPOCH - 30 * DAY;
          const fromNow = await readFeed(log, {
            after: nowKeyId(log.slice(0, k).reduce(evolve, initialState()), now),
          });
          const owed = log === events ? expected : expectedTransitions(log);
          expect(fromNow).toEqual(owed.filter((t) => startsAfterNow(t.id, now, k)));
        }),
        { numRuns: shape.runs },
      );
      // The histories exercise both kinds of transition (records at a day boundary are common: what a record makes
      // effective at its own record time is told by the instant there, so record transitions are the fewer).
      expect(atInstants).toBeGreaterThan(shape.least.atInstants);
      expect(transitions - atInstants).toBeGreaterThan(shape.least.atRecords);
    }, 180_000);
  });
});
