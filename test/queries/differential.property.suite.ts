/**
 * The read model's answers equal those of the oracle, a naive fold of the raw
 * log, over random valid histories and random (at, asOf) pairs.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState, positionAsOf } from '../../projections/ledger-read-model.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import { DAY, DAYS, EPOCH, historyArbitrary, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';

describe('queries/differential.property', () => {
  const oracle = new Oracle(UNIVERSE);

  /** A valid time: any instant of the history's days, often exactly on a day boundary where events take effect. */
  const validTime = fc.oneof(
    fc.noBias(fc.integer({ min: -1, max: DAYS + 25 })).map((d) => EPOCH + d * DAY),
    fc.noBias(fc.integer({ min: -1 * DAY, max: (DAYS + 25) * DAY })).map((offset) => EPOCH + offset),
  );
  // Integers, not doubles: fc.double spreads over bit patterns, so nearly all its values are tiny.
  const knownFraction = fc.noBias(fc.integer({ min: 0, max: 1000 })).map((n) => n / 1000);

  describe('differential: read model against the naive oracle', () => {
    it('answers state and check exactly as the oracle, for every subject, at random (at, asOf)', () => {
      let histories = 0;
      let nonTrivial = 0;
      fc.assert(
        fc.property(
          historyArbitrary,
          fc.array(fc.tuple(validTime, knownFraction, fc.constantFrom(...UNIVERSE)), { minLength: 4, maxLength: 8 }),
          (events, queries) => {
            histories++;
            const model = events.reduce(evolve, initialState());
            const log = oracleLog(events);
            // Compared in one expect per history: an expect call costs more than the answers it compares.
            const actualAnswers: unknown[] = [];
            const expectedAnswers: unknown[] = [];
            for (const [at, fraction, category] of queries) {
              const asOfPosition = BigInt(Math.round(fraction * events.length));
              for (const subject of [...SUBJECTS, 'stranger']) {
                const expected = oracle.answer(log, subject, at, Number(asOfPosition));
                const actual = subjectState(model, subject, { at, asOfPosition });
                const query = { subject, at, asOfPosition, category };
                actualAnswers.push({
                  ...query,
                  restricted: new Map(actual.restricted.map((r) => [r.measureId, pathsOf(r.categories, r.except)])),
                  exemptions: new Set(actual.exemptions.map((e) => `${e.measureId}/${e.exemptionId}`)),
                  pending: new Set(actual.pending.map((p) => `${p.measureId}/${p.announcementId ?? 'imposition'}`)),
                  status: checkCategory(model, subject, category, { at, asOfPosition }).status,
                });
                expectedAnswers.push({
                  ...query,
                  restricted: new Map([...expected.restricted].map(([m, set]) => [m, [...set].sort()])),
                  exemptions: expected.exemptions,
                  pending: expected.pending,
                  status: oracle.status(expected, category),
                });
                if (expected.restricted.size) nonTrivial++;
              }
            }
            expect(actualAnswers).toEqual(expectedAnswers);
          },
        ),
        { numRuns: 1000 },
      );
      expect(histories).toBeGreaterThanOrEqual(1000);
      // The generator must produce histories that actually restrict someone, or the comparison proves little.
      expect(nonTrivial).toBeGreaterThan(histories);
    });

    it('maps a record time to the last position recorded at or before it', () => {
      fc.assert(
        fc.property(historyArbitrary, fc.integer({ min: -120_000, max: 50 * 60_000 }), (events, offset) => {
          const model = events.reduce(evolve, initialState());
          const asOf = Date.UTC(2030, 0, 1) + offset;
          const expected = events.filter((e) => Date.parse(e.recordedAt) <= asOf).at(-1)?.position ?? 0n;
          expect(positionAsOf(model, asOf)).toBe(expected);
        }),
        { numRuns: 200 },
      );
    });
  });
});
