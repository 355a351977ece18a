/**
 * Over random valid histories, a timeline asked for a window is the whole
 * timeline clipped to it: the intervals inside, the one under way at `from`
 * starting there and claiming no change, the one under way at `to` ending
 * there; every change inside with the same `became` and causes. What the
 * first interval says became restricted or unrestricted is, by the naive
 * oracle, the change from just before `from` to `from`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { subjectTimeline, type SubjectTimeline, type TimelineInterval } from '../../projections/subject-queries.js';
import { historyArbitrary, pathsOf, SUBJECTS, UNIVERSE, windowArbitrary } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';
import { expectEqual } from '../support/expect-equal.js';

describe('investigations/timeline-window.property', () => {
  const oracle = new Oracle(UNIVERSE);
  const NOTHING = { categories: [], except: [] };
  const iso = (ms: number) => new Date(ms).toISOString();

  /**
   * The whole timeline's intervals that meet [from, to), cut to it. An interval
   * cut at `from` names the measures restricting at `from` (one may have taken
   * over from another since the interval began, the union unchanged): checked
   * against the oracle apart, it is left out of this comparison.
   */
  const AS_AT_FROM = 'the measures restricting at from';
  type Cut = Omit<TimelineInterval, 'restricted'> & { restricted: typeof AS_AT_FROM };
  function clipped(whole: SubjectTimeline, from?: number, to?: number): (TimelineInterval | Cut)[] {
    return whole.intervals
      .filter(
        (i) =>
          (to === undefined || Date.parse(i.from) < to) &&
          (from === undefined || i.until === null || Date.parse(i.until) > from),
      )
      .map((i) => {
        const cutAtFrom = from !== undefined && Date.parse(i.from) < from;
        const cutAtTo = to !== undefined && (i.until === null || Date.parse(i.until) > to);
        return {
          ...i,
          ...(cutAtFrom
            ? {
                from: iso(from),
                restricted: AS_AT_FROM,
                became: { restricted: NOTHING, unrestricted: NOTHING },
                changes: [],
              }
            : {}),
          ...(cutAtTo ? { until: iso(to) } : {}),
        };
      });
  }

  describe('a windowed timeline against the whole timeline', () => {
    it('equals the whole timeline clipped to the window, its first change told against the state just before from', () => {
      let checked = 0;
      fc.assert(
        fc.property(
          historyArbitrary,
          fc.constantFrom(...SUBJECTS),
          fc.noBias(fc.integer({ min: 0, max: 1000 })).map((n) => n / 1000),
          fc.array(windowArbitrary, { minLength: 1, maxLength: 4 }),
          (events, subject, fraction, windows) => {
            const model = events.reduce(evolve, initialState());
            const k = BigInt(Math.round(fraction * events.length));
            const whole = subjectTimeline(model, subject, k);
            const standing = oracle.standing(oracleLog(events), Number(k));
            for (const [from, to] of windows) {
              const windowed = subjectTimeline(model, subject, k, {
                ...(from !== undefined ? { from } : {}),
                ...(to !== undefined ? { to } : {}),
              });
              const expected = clipped(whole, from, to);
              const cutAtFrom = expected[0]?.restricted === AS_AT_FROM;
              const actual = windowed.intervals.map((i, n) =>
                n === 0 && cutAtFrom ? { ...i, restricted: AS_AT_FROM } : i,
              );
              expectEqual({ from, to, intervals: actual }, { from, to, intervals: expected });
              const first = windowed.intervals[0];
              if (from === undefined || first === undefined || Date.parse(first.from) !== from) continue;
              // By the oracle: what each measure restricts at `from`, and the change from just before it.
              const paths = (set: { categories: string[]; except: string[] }) => pathsOf(set.categories, set.except);
              const [was, is] = [from - 1, from].map((t) => oracle.answerFrom(standing, subject, t));
              const [wasPaths, isPaths] = [was!, is!].map((a) => Oracle.union(a).restricted);
              expectEqual(
                {
                  from,
                  restricted: first.restricted.map((r) => [r.measureId, paths(r)]).sort(),
                  became: paths(first.became.restricted),
                  stopped: paths(first.became.unrestricted),
                },
                {
                  from,
                  restricted: [...is!.restricted].map(([measureId, set]) => [measureId, [...set].sort()]).sort(),
                  became: isPaths!.filter((p) => !wasPaths!.includes(p)),
                  stopped: wasPaths!.filter((p) => !isPaths!.includes(p)),
                },
              );
              checked++;
            }
          },
        ),
        { numRuns: 300 },
      );
      // Windows must often open inside the history, or the first interval is seldom put to the test.
      expect(checked).toBeGreaterThan(150);
    });
  });
});
