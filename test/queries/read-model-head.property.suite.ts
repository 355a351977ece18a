/**
 * The read model keeps each measure's newest history and extends it by the
 * facts folded since (see `measureAsOf`), rather than resolving the measure
 * again for every read after a write. Over random histories, read after every
 * event, what that kept history answers equals a fresh resolution of the same
 * facts, whatever was asked of the versions before it.
 */
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState, measureAsOf } from '../../projections/ledger-read-model.js';
import { resolveMeasure } from '../../src/domain/resolve-measure.js';
import { expectEqual } from '../support/expect-equal.js';
import { answersAt } from '../support/history-answers.js';
import { DAY, DAYS, EPOCH, historyArbitrary } from '../support/history-generator.js';

describe('queries/read-model-head.property', () => {
  const probeTimes = Array.from({ length: 9 }, (_, i) => EPOCH - 3 * DAY + Math.round((i * (DAYS + 30) * DAY) / 9));

  describe("the read model's newest history of each measure", () => {
    it('answers as the measure resolved from scratch, after every event', () => {
      fc.assert(
        fc.property(historyArbitrary, fc.integer({ min: 0, max: 2 }), (events, skipEvery) => {
          const model = initialState();
          events.forEach((event, i) => {
            evolve(model, event);
            // Sometimes reads only every other event, so one extension adds several facts.
            if (skipEvery && i % (skipEvery + 1) !== 0) return;
            for (const [measureId, entry] of model.measures) {
              const kept = measureAsOf(model, measureId, model.position)!;
              const fresh = resolveMeasure(measureId, [...entry.facts]);
              // One expect per measure: an expect call costs more than what it compares.
              const view = (history: typeof fresh) => ({
                measureId,
                facts: history.facts,
                answers: probeTimes.map((t) => answersAt(history, t)),
              });
              expectEqual(view(kept), view(fresh));
            }
          });
        }),
        { numRuns: 120 },
      );
    });
  });
});
