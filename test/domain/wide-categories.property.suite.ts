/**
 * Category sets whose nodes have many children (a licence per category:
 * `a/0` ... `a/89`), as real scopes grow: chains of operations that grow a
 * node, change a few of its children and shrink it back act on membership
 * exactly, leave the sets they were made from as they were (they share
 * nodes), and equal sets compare equal however they were made.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CategorySet } from '../../src/domain/categories.js';

describe('domain/wide-categories.property', () => {
  const UNIVERSE = ['a', 'b', 'b/x'];
  for (let i = 0; i < 90; i++) {
    UNIVERSE.push(`a/${i}`);
    if (i % 9 === 0) UNIVERSE.push(`a/${i}/deep`, `a/${i}/deep/er`);
  }
  const PROBES = [...UNIVERSE, 'a/90', 'a/5/other', 'c'];
  type Operation = 'union' | 'intersection' | 'difference';

  const setOf = (length: { minLength: number; maxLength: number }) =>
    fc.array(fc.constantFrom(...UNIVERSE.filter((c) => c !== 'a')), length).map((list) => CategorySet.of(list));
  // Wide sets (more children of `a` than a node keeps in one map), few-category sets, and `a` whole.
  const many = fc.oneof(
    setOf({ minLength: 40, maxLength: 90 }),
    setOf({ minLength: 0, maxLength: 4 }),
    fc.constant(CategorySet.of(['a'])),
  );
  const steps = fc.array(fc.tuple(fc.constantFrom<Operation>('union', 'intersection', 'difference'), many), {
    minLength: 1,
    maxLength: 6,
  });
  const members = (set: CategorySet) => PROBES.map((p) => set.contains(p));
  const onMembers = (name: Operation, x: boolean[], y: boolean[]) =>
    x.map((v, i) => (name === 'union' ? v || y[i]! : name === 'intersection' ? v && y[i]! : v && !y[i]!));

  it('chains of operations on wide sets act on membership exactly', () => {
    fc.assert(
      fc.property(many, steps, (start, chain) => {
        let set = start;
        let expected = members(start);
        const made: [CategorySet, boolean[]][] = [[set, expected]];
        for (const [name, other] of chain) {
          made.push([other, members(other)]);
          set = set[name](other);
          expected = onMembers(name, expected, members(other));
          expect(members(set)).toEqual(expected);
          made.push([set, expected]);
        }
        // The sets an operation was made from are untouched by it (they share nodes with what it made).
        for (const [earlier, itsMembers] of made) expect(members(earlier)).toEqual(itsMembers);
        // A set made afresh from the same members is equal to the one the chain made.
        const fresh = CategorySet.of(PROBES.filter((_, i) => expected[i]).filter((p) => UNIVERSE.includes(p)));
        const sameOnUniverse = UNIVERSE.every((p) => fresh.contains(p) === set.contains(p));
        if (sameOnUniverse && PROBES.every((p) => fresh.contains(p) === set.contains(p)))
          expect(fresh.equals(set)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a wide set less one of its children, then with it again, is the set it was', () => {
    fc.assert(
      fc.property(many, fc.constantFrom(...UNIVERSE), (set, one) => {
        const single = CategorySet.of([one]);
        const without = set.difference(single);
        expect(without.contains(one)).toBe(false);
        const back = without.union(set.intersection(single));
        expect(members(back)).toEqual(members(set));
        expect(back.equals(set)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
