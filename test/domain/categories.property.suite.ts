import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CategorySet, isCategory } from '../../src/domain/categories.js';

describe('domain/categories.property', () => {
  // A small universe makes collisions (same, ancestor, descendant) frequent.
  const SEGMENTS = ['a', 'b', 'c'];
  const UNIVERSE: string[] = [];
  for (const x of SEGMENTS) {
    UNIVERSE.push(x);
    for (const y of SEGMENTS) {
      UNIVERSE.push(`${x}/${y}`);
      for (const z of SEGMENTS) UNIVERSE.push(`${x}/${y}/${z}`);
    }
  }
  const PROBES = [...UNIVERSE, ...UNIVERSE.map((p) => `${p}/deeper`)];

  const category = fc.constantFrom(...UNIVERSE);
  type Operation = 'union' | 'intersection' | 'difference';
  const operation = fc.constantFrom<Operation>('union', 'intersection', 'difference');
  /** An operation on sets (or a builder: the same method names), and the same on membership, probe by probe. */
  const apply = (name: Operation, x: CategorySet, y: CategorySet) => x[name](y);
  const onMembers = (name: Operation, x: boolean[], y: boolean[]) =>
    x.map((v, i) => (name === 'union' ? v || y[i]! : name === 'intersection' ? v && y[i]! : v && !y[i]!));

  const leaf = fc.array(category, { maxLength: 4 }).map((list) => CategorySet.of(list));
  const categorySet: fc.Arbitrary<CategorySet> = fc.letrec<{ set: CategorySet }>((tie) => ({
    set: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('set'), tie('set'), operation).map(([a, b, name]) => apply(name, a, b)),
    ),
  })).set;

  const members = (set: CategorySet) => PROBES.map((p) => set.contains(p));
  const RUNS = { numRuns: 500 };

  describe('category sets obey the set laws', () => {
    it('union, intersection and difference act on membership exactly', () => {
      fc.assert(
        fc.property(categorySet, categorySet, (a, b) => {
          const [inA, inB] = [members(a), members(b)];
          expect(members(a.union(b))).toEqual(inA.map((x, i) => x || inB[i]));
          expect(members(a.intersection(b))).toEqual(inA.map((x, i) => x && inB[i]));
          expect(members(a.difference(b))).toEqual(inA.map((x, i) => x && !inB[i]));
        }),
        RUNS,
      );
    });

    it('sets made from one another, sharing parts, combine exactly as their members', () => {
      fc.assert(
        fc.property(categorySet, categorySet, operation, operation, operation, (a, b, first, second, third) => {
          const derived = apply(first, a, b);
          const expected = onMembers(first, members(a), members(b));
          expect(members(derived)).toEqual(expected);
          // Each operand shares subtrees with `derived`: both orders, and with a set derived again.
          expect(members(apply(second, derived, a))).toEqual(onMembers(second, expected, members(a)));
          expect(members(apply(second, a, derived))).toEqual(onMembers(second, members(a), expected));
          const again = apply(third, derived, b);
          expect(members(apply(second, again, derived))).toEqual(
            onMembers(second, onMembers(third, expected, members(b)), expected),
          );
        }),
        RUNS,
      );
    });

    it('a category covers itself and everything below it', () => {
      fc.assert(
        fc.property(fc.array(category, { minLength: 1, maxLength: 4 }), fc.constantFrom(...PROBES), (list, probe) => {
          const set = CategorySet.of(list);
          const coveredByList = list.some((c) => probe === c || probe.startsWith(`${c}/`));
          expect(set.contains(probe)).toBe(coveredByList);
        }),
        RUNS,
      );
    });

    it('commutative, associative, idempotent, with the empty set as identity', () => {
      fc.assert(
        fc.property(categorySet, categorySet, categorySet, (a, b, c) => {
          expect(a.union(b).equals(b.union(a))).toBe(true);
          expect(a.intersection(b).equals(b.intersection(a))).toBe(true);
          expect(
            a
              .union(b)
              .union(c)
              .equals(a.union(b.union(c))),
          ).toBe(true);
          expect(
            a
              .intersection(b)
              .intersection(c)
              .equals(a.intersection(b.intersection(c))),
          ).toBe(true);
          expect(a.union(a).equals(a)).toBe(true);
          expect(a.intersection(a).equals(a)).toBe(true);
          expect(a.union(CategorySet.EMPTY).equals(a)).toBe(true);
          expect(a.intersection(CategorySet.EMPTY).isEmpty()).toBe(true);
          expect(a.difference(a).isEmpty()).toBe(true);
        }),
        RUNS,
      );
    });

    it('distributive, and difference follows De Morgan', () => {
      fc.assert(
        fc.property(categorySet, categorySet, categorySet, (a, b, c) => {
          expect(a.intersection(b.union(c)).equals(a.intersection(b).union(a.intersection(c)))).toBe(true);
          expect(a.union(b.intersection(c)).equals(a.union(b).intersection(a.union(c)))).toBe(true);
          expect(a.difference(b.union(c)).equals(a.difference(b).intersection(a.difference(c)))).toBe(true);
          expect(a.difference(b.intersection(c)).equals(a.difference(b).union(a.difference(c)))).toBe(true);
          expect(a.difference(b).union(a.intersection(b)).equals(a)).toBe(true);
        }),
        RUNS,
      );
    });

    it('is normalised: equal membership means equal marks, and no mark repeats what it inherits', () => {
      fc.assert(
        fc.property(categorySet, categorySet, (a, b) => {
          expect(a.equals(b)).toBe(JSON.stringify(members(a)) === JSON.stringify(members(b)));
          const { include, exclude } = a.toJSON();
          for (const path of exclude) {
            // an exclusion always sits inside an inclusion
            const parents = include.filter((i) => path.startsWith(`${i}/`));
            expect(parents.length).toBeGreaterThan(0);
          }
          expect(CategorySet.fromJson(a.toJSON()).equals(a)).toBe(true);
        }),
        RUNS,
      );
    });

    it('answers equality by membership whatever it was compared with before, in any order', () => {
      const sameMembers = (x: CategorySet, y: CategorySet) => JSON.stringify(members(x)) === JSON.stringify(members(y));
      fc.assert(
        fc.property(
          fc.array(categorySet, { minLength: 2, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 12 }),
          (sets, comparisons) => {
            // Copies made apart: equal in content, distinct objects (as a feed's sets before and after a change).
            const pool = [...sets, ...sets.map((set) => CategorySet.fromJson(set.toJSON()))];
            for (const [i, j] of comparisons) {
              const [x, y] = [pool[i % pool.length]!, pool[(j + 2) % pool.length]!];
              expect(x.equals(y)).toBe(sameMembers(x, y));
              expect(y.equals(x)).toBe(sameMembers(x, y));
            }
          },
        ),
        RUNS,
      );
    });

    it('covers, overlaps and includesAll agree with membership', () => {
      fc.assert(
        fc.property(categorySet, categorySet, category, (a, b, c) => {
          const below = PROBES.filter((p) => p === c || p.startsWith(`${c}/`));
          expect(a.covers(c)).toBe(below.every((p) => a.contains(p)));
          expect(a.overlaps(c)).toBe(below.some((p) => a.contains(p)));
          expect(a.includesAll(b)).toBe(PROBES.every((p) => !b.contains(p) || a.contains(p)));
          expect(a.intersects(b)).toBe(PROBES.some((p) => a.contains(p) && b.contains(p)));
        }),
        RUNS,
      );
    });

    it('accepts only well-formed category paths', () => {
      expect(['exports', 'exports/5g-standards', 'a/b-c/d0'].every(isCategory)).toBe(true);
      expect(
        ['', 'Exports', 'exports/', '/exports', 'exports//x', '-x', 'ex ports', 'exports/-x'].some(isCategory),
      ).toBe(false);
    });
  });

  describe('folding changes in place', () => {
    it('a builder reaches the very set (same marks) the operations give, change after change', () => {
      fc.assert(
        fc.property(categorySet, fc.array(fc.tuple(operation, categorySet), { maxLength: 8 }), (start, changes) => {
          const builder = start.builder();
          let expected = start;
          for (const [name, other] of changes) {
            expected = apply(name, expected, other);
            builder[name](other);
            const folded = builder.toSet();
            expect(folded.equals(expected)).toBe(true);
            expect(folded.toJSON()).toEqual(expected.toJSON());
          }
          // A set taken from the builder does not change with later folds.
          const taken = builder.toSet();
          builder.union(CategorySet.of(['a']));
          expect(taken.equals(expected)).toBe(true);
        }),
        RUNS,
      );
    });

    it('a builder taken only at the end, after runs of the same change, gives the set the operations give', () => {
      fc.assert(
        fc.property(categorySet, fc.array(fc.tuple(operation, categorySet), { maxLength: 10 }), (start, changes) => {
          const builder = start.builder();
          let expected = start;
          for (const [name, other] of changes) {
            builder[name](other);
            expected = apply(name, expected, other);
          }
          expect(members(builder.toSet())).toEqual(members(expected));
          expect(builder.toSet().equals(expected)).toBe(true);
        }),
        RUNS,
      );
    });

    it('unionAll is the union of every set', () => {
      fc.assert(
        fc.property(fc.array(categorySet, { maxLength: 7 }), (sets) => {
          expect(CategorySet.unionAll(sets).equals(sets.reduce((u, s) => u.union(s), CategorySet.EMPTY))).toBe(true);
        }),
        RUNS,
      );
    });
  });
});
