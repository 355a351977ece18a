/**
 * A timeline's cause check leaves out one exemption id at a time, reading the
 * union of the others from a kept tree of unions (ExemptUnion) instead of
 * merging them afresh: over random exemptions (ids repeated, categories with
 * exceptions), it equals the union merged from scratch, for every id.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ExemptUnion } from '../../projections/exempt-union.js';
import { CategorySet } from '../../src/domain/categories.js';
import { UNIVERSE } from '../support/history-generator.js';

describe('investigations/exempt-union.property', () => {
  const categories = fc
    .record({
      include: fc.uniqueArray(fc.constantFrom(...UNIVERSE), { maxLength: 4 }),
      exclude: fc.uniqueArray(fc.constantFrom(...UNIVERSE), { maxLength: 2 }),
    })
    .map((json) => CategorySet.fromJson(json));
  const exemptions = fc.array(
    fc.record({ exemptionId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'), categories }),
    { maxLength: 24 },
  );

  describe('the union of all exemptions but one', () => {
    it('equals the union of the others merged from scratch', () => {
      fc.assert(
        fc.property(exemptions, (list) => {
          const union = new ExemptUnion(list);
          expect(union.full.toJSON()).toEqual(CategorySet.unionAll(list.map((e) => e.categories)).toJSON());
          for (const id of ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'absent']) {
            const others = CategorySet.unionAll(list.filter((e) => e.exemptionId !== id).map((e) => e.categories));
            expect(union.without(id).toJSON()).toEqual(others.toJSON());
          }
        }),
        { numRuns: 400 },
      );
    });
  });
});
