import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { pacedJson } from '../../src/queries/paced-json.js';

describe('queries/paced-json', () => {
  describe('an answer written in slices', () => {
    it('is the very text JSON.stringify gives it, whatever its fields and list hold', async () => {
      const element = fc.oneof(
        fc.jsonValue(),
        fc.constant(undefined),
        fc.constant(() => 1),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined))),
          fc.array(element, { maxLength: 30 }),
          fc.nat(),
          async (fields, list, place) => {
            // The list at any place among the other fields.
            const keys = Object.keys(fields).filter((k) => k !== 'intervals');
            const at = keys.length ? place % (keys.length + 1) : 0;
            const answer: Record<string, unknown> = {};
            keys.slice(0, at).forEach((k) => (answer[k] = fields[k]));
            answer.intervals = list;
            keys.slice(at).forEach((k) => (answer[k] = fields[k]));
            expect(await pacedJson(answer, 'intervals', 0)).toBe(JSON.stringify(answer));
          },
        ),
      );
    });
  });
});
