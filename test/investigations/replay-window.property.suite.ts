/**
 * Over random valid histories, a replay asked for a window [from, to) is the
 * whole replay's steps that fall in it: in valid order those taking effect in
 * it, in record order those recorded in it, each step the same (its before
 * and after states, causes and changed intervals do not depend on the window).
 * The whole replay is held to the naive oracle elsewhere
 * (replay-record.property, against-the-oracle); this holds the window to it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { replaySubject, type ReplayOrder, type ReplayStep } from '../../projections/replay.js';
import { historyArbitrary, interleaved, SUBJECTS, windowArbitrary } from '../support/history-generator.js';

describe('investigations/replay-window.property', () => {
  /** When a step stands in the order's clock: valid time in valid order, record time in record order. */
  const timeOf = (step: ReplayStep, order: ReplayOrder) =>
    Date.parse(order === 'valid' ? step.effectiveAt : step.recordedAt!);

  it('in either order, a windowed replay is the whole replay cut to [from, to), step for step', () => {
    let stepsInside = 0;
    let cutSome = 0;
    fc.assert(
      fc.property(
        historyArbitrary.map((events) => interleaved(events)),
        fc.constantFrom(...SUBJECTS),
        fc.constantFrom<ReplayOrder>('valid', 'record'),
        fc.noBias(fc.integer({ min: 0, max: 1000 })).map((n) => n / 1000),
        fc.array(windowArbitrary, { minLength: 1, maxLength: 4 }),
        (events, subject, order, fraction, windows) => {
          const model = events.reduce(evolve, initialState());
          const asOfPosition = BigInt(Math.round(fraction * events.length));
          const whole = replaySubject(model, subject, { order, asOfPosition }).steps;
          for (const [from, to] of windows) {
            const windowed = replaySubject(model, subject, {
              order,
              asOfPosition,
              ...(from !== undefined ? { from } : {}),
              ...(to !== undefined ? { to } : {}),
            }).steps;
            const inside = whole.filter((step) => {
              const t = timeOf(step, order);
              return (from === undefined || t >= from) && (to === undefined || t < to);
            });
            expect({ order, from, to, steps: windowed }).toEqual({ order, from, to, steps: inside });
            stepsInside += inside.length;
            if (inside.length && inside.length < whole.length) cutSome++;
          }
        },
      ),
      { numRuns: 300 },
    );
    // Windows must often cut a replay with steps on both sides, or the rule is seldom put to the test.
    expect(cutSome).toBeGreaterThan(60);
    expect(stepsInside).toBeGreaterThan(500);
  });
});
