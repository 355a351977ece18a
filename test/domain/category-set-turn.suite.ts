/**
 * A set remembers the last set it was compared with without keeping it, not
 * even to the end of the turn: a timeline or a feed worked out in one slice
 * compares thousands of large sets, and keeping each until the slice ended
 * held them all at once (and had the collector copy them to its old
 * generation, whose pauses held the event loop).
 */
import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CategorySet } from '../../src/domain/categories.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PATHS = 2_000;
const SETS = 100;

/** A large set of its own: a category with thousands of subcategories excepted, and one more. */
const large = (i: number) =>
  CategorySet.fromJson({
    include: ['exports', `services/c${i}`],
    exclude: Array.from({ length: PATHS }, (_, j) => `exports/r${j}`),
  });

/** Heap in use after a full collection, in MB. */
function heapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1e6;
}

describe('domain/category-set-turn', () => {
  it('sets compared in one turn are not kept to its end', () => {
    const before = heapMb();
    // All within this turn: compared in a chain, each dropped once compared with the next.
    let previous = large(0);
    for (let i = 1; i < SETS; i++) {
      const next = large(i);
      expect(previous.equals(next)).toBe(false);
      previous = next;
    }
    // About 100 sets of 2,000 paths each (some 8 MB) were made; only the last is still referenced.
    expect(heapMb() - before).toBeLessThan(2);
    expect(previous.equals(large(SETS - 1))).toBe(true);
  });
});
