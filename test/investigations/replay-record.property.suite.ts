/**
 * Replay against the naive oracle on random valid histories: a record-order
 * step is unchanged exactly when no valid time's state changed with its event,
 * and names the intervals that did change; a replay as of a position is the
 * same whatever is recorded after it (DOMAIN.md "Two clocks", "Replay and
 * explanations").
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { changesBetween, replaySubject, type Snapshot } from '../../projections/replay.js';
import type { CategorySetAnswer } from '../../src/domain/categories.js';
import { historyArbitrary, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';
import { expectEqual } from '../support/expect-equal.js';

describe('investigations/replay-record.property', () => {
  const oracle = new Oracle(UNIVERSE);
  const paths = (set: CategorySetAnswer) => pathsOf(set.categories, set.except);
  const view = (s: Snapshot) => ({ restricted: paths(s.restricted), exempt: paths(s.exempt), pending: s.pending });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  describe('replay against the naive oracle', () => {
    it('in record order, a step is unchanged exactly when the state at every instant the history names is the same before and after its event, and its intervals are where it is not', () => {
      let changedElsewhere = 0;
      fc.assert(
        fc.property(historyArbitrary, fc.constantFrom(...SUBJECTS), (events, subject) => {
          const model = events.reduce(evolve, initialState());
          const log = oracleLog(events);
          const replay = replaySubject(model, subject, { order: 'record', asOfPosition: model.position });
          const actual: unknown[] = [];
          const expected: unknown[] = [];
          for (const step of replay.steps) {
            const position = Number(step.position);
            const [was, is] = [oracle.standing(log, position - 1), oracle.standing(log, position)];
            const state = (standing: typeof was, t: number) => Oracle.union(oracle.answerFrom(standing, subject, t));
            const instants = Oracle.instants(log.filter((e) => e.position <= position));
            const changedAt = instants.filter((t) => !same(state(was, t), state(is, t)));
            const intervals = step.changedIntervals!;
            const covered = (t: number) =>
              intervals.some((i) => Date.parse(i.from) <= t && (i.until === null || t < Date.parse(i.until)));
            actual.push({
              position,
              unchanged: step.unchanged,
              causes: step.causes.map((c) => c.eventId),
              changedAt: instants.filter(covered),
              intervals: intervals.map((i) => ({
                from: i.from,
                before: view(i.before),
                after: view(i.after),
                changes: i.changes,
              })),
              changes: step.changes,
            });
            expected.push({
              position,
              unchanged: changedAt.length === 0,
              causes: changedAt.length === 0 ? [] : [step.eventId],
              changedAt,
              intervals: intervals.map((i) => ({
                from: i.from,
                before: state(was, Date.parse(i.from)),
                after: state(is, Date.parse(i.from)),
                changes: changesBetween(i.before, i.after),
              })),
              changes: changesBetween(step.before, step.after),
            });
            const own = Date.parse(step.effectiveAt);
            if (changedAt.length && same(state(was, own), state(is, own))) changedElsewhere++;
          }
          expectEqual(actual, expected);
        }),
        { numRuns: 200 },
      );
      // The histories must hold records that change other valid times than their own, or this proves little.
      expect(changedElsewhere).toBeGreaterThan(20);
    });

    it('as of a position, in either order, is the same before and after more events are recorded', () => {
      fc.assert(
        fc.property(
          historyArbitrary,
          fc.noBias(fc.integer({ min: 0, max: 1000 })),
          fc.constantFrom(...SUBJECTS),
          (events, fraction, subject) => {
            const p = Math.round((fraction / 1000) * events.length);
            const then = events.slice(0, p).reduce(evolve, initialState());
            const now = events.reduce(evolve, initialState());
            for (const order of ['record', 'valid'] as const) {
              const asOfPosition = BigInt(p);
              expectEqual(
                replaySubject(now, subject, { order, asOfPosition }),
                replaySubject(then, subject, { order, asOfPosition }),
              );
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
