/**
 * Category sets on deep paths that share long prefixes, as a command of long
 * categories names them: chains that part at any depth, categories that are
 * prefixes of others, exceptions in the middle of a chain, and segments that
 * start alike (`s` and `ss`) so that a chain parts inside a run of equal
 * characters. A set keeps a chain of segments as one edge and cuts it where
 * another path leaves it; each operation, membership question, listing and
 * comparison is checked against a naive model: the marked paths as plain
 * strings, a path in the set when its deepest marked ancestor-or-self says so.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CategorySet } from '../../src/domain/categories.js';
import '../support/fast-check-seed.js';

type Operation = 'union' | 'intersection' | 'difference';
const OPERATIONS: Operation[] = ['union', 'intersection', 'difference'];
const applyOn = (op: Operation, x: boolean, y: boolean) =>
  op === 'union' ? x || y : op === 'intersection' ? x && y : x && !y;

/** A category as drawn: which spine, how deep into it, and what follows where it leaves. */
type Pick = readonly [spine: number, depth: number, tail: readonly string[]];
type Recipe =
  { kind: 'marks'; include: Pick[]; exclude: Pick[] } | { kind: 'op'; op: Operation; left: Recipe; right: Recipe };

const segment = fc.constantFrom('s', 's', 's', 's', 'ss', 't');
/** Long chains most categories of a case are drawn from (a prefix of one, then a short tail of its own). */
const spines = fc.array(fc.array(segment, { minLength: 1, maxLength: 48 }), { minLength: 1, maxLength: 3 });
const pick: fc.Arbitrary<Pick> = fc.tuple(fc.nat(), fc.nat(), fc.array(segment, { maxLength: 3 }));
const marks = fc.record({
  kind: fc.constant('marks' as const),
  include: fc.array(pick, { maxLength: 5 }),
  exclude: fc.array(pick, { maxLength: 4 }),
});
const recipe: fc.Arbitrary<Recipe> = fc.letrec<{ recipe: Recipe }>((tie) => ({
  recipe: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    marks,
    fc.record({
      kind: fc.constant('op' as const),
      op: fc.constantFrom(...OPERATIONS),
      left: tie('recipe'),
      right: tie('recipe'),
    }),
  ),
})).recipe;

/** The naive model: membership as a function of the path, and every path any operand marked. */
interface Model {
  member: (path: string) => boolean;
  marked: ReadonlySet<string>;
}

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const isBelow = (path: string, above: string) => path.startsWith(`${above}/`);

function modelOfMarks(list: readonly (readonly [string, boolean])[]): Model {
  const marks = new Map(list); // a later mark on a path wins
  const member = (path: string): boolean => {
    for (let at = path; at; at = parentOf(at)) {
      const mark = marks.get(at);
      if (mark !== undefined) return mark;
    }
    return false;
  };
  return { member, marked: new Set(marks.keys()) };
}

/** The marks of the set in normal form: a marked path whose membership differs from its parent's. */
function expectedMarks(model: Model) {
  const differs = (p: string) => model.member(p) !== (parentOf(p) ? model.member(parentOf(p)) : false);
  const changed = [...model.marked].filter(differs);
  return {
    include: changed.filter((p) => model.member(p)).sort(),
    exclude: changed.filter((p) => !model.member(p)).sort(),
  };
}

/** A set and its model, from a recipe over the case's spines. */
function build(r: Recipe, chains: string[][]): [CategorySet, Model] {
  if (r.kind === 'marks') {
    const path = ([spine, depth, tail]: Pick) => {
      const chain = chains[spine % chains.length]!;
      return [...chain.slice(0, 1 + (depth % chain.length)), ...tail].join('/');
    };
    const [include, exclude] = [r.include.map(path), r.exclude.map(path)];
    // fromJson marks the inclusions first, then the exceptions (an exception wins on the same path).
    const list = [...include.map((p) => [p, true] as const), ...exclude.map((p) => [p, false] as const)];
    return [CategorySet.fromJson({ include, exclude }), modelOfMarks(list)];
  }
  const [a, ma] = build(r.left, chains);
  const [b, mb] = build(r.right, chains);
  return [a[r.op](b), combineModels(r.op, ma, mb)];
}

const combineModels = (op: Operation, a: Model, b: Model): Model => ({
  member: (p) => applyOn(op, a.member(p), b.member(p)),
  marked: new Set([...a.marked, ...b.marked]),
});

/** Paths to ask about: every marked path, each of its ancestors (inside chains), and paths just below and beside. */
function probesOf(...models: Model[]): string[] {
  const probes = new Set<string>();
  for (const model of models)
    for (const path of model.marked) {
      for (let at = path; at; at = parentOf(at)) probes.add(at);
      probes.add(`${path}/s`).add(`${path}/u`).add(`${path}s`);
    }
  return [...probes];
}

/** The set agrees with its model: membership, covering, overlapping, emptiness, and its marks as listed. */
function expectAgrees(set: CategorySet, model: Model, probes: readonly string[]): void {
  const expected = expectedMarks(model);
  expect(set.toJSON()).toEqual(expected);
  expect({ categories: [...set.toAnswer().categories], except: [...set.toAnswer().except] }).toEqual({
    categories: expected.include,
    except: expected.exclude,
  });
  expect(set.isEmpty()).toBe(expected.include.length === 0);
  const marked = [...model.marked];
  const answers = (probe: string) => {
    const below = marked.filter((p) => isBelow(p, probe));
    const member = model.member(probe);
    const covered = member && below.every((p) => model.member(p));
    return `${probe}: ${member} ${covered} ${member || below.some((p) => model.member(p))}`;
  };
  const given = (probe: string) => `${probe}: ${set.contains(probe)} ${set.covers(probe)} ${set.overlaps(probe)}`;
  expect(probes.map(given)).toEqual(probes.map(answers));
}

describe('domain/deep-categories.property', () => {
  const RUNS = { numRuns: 300 };

  it('sets of deep marks, and sets made from them by operations, agree with the model', () => {
    fc.assert(
      fc.property(spines, recipe, (chains, r) => {
        const [set, model] = build(r, chains);
        expectAgrees(set, model, probesOf(model));
      }),
      RUNS,
    );
  });

  it('every operation on two deep sets agrees with the model, and leaves its operands as they were', () => {
    fc.assert(
      fc.property(spines, recipe, recipe, (chains, ra, rb) => {
        const [a, ma] = build(ra, chains);
        const [b, mb] = build(rb, chains);
        const probes = probesOf(ma, mb);
        for (const op of OPERATIONS) {
          expectAgrees(a[op](b), combineModels(op, ma, mb), probes);
          expectAgrees(b[op](a), combineModels(op, mb, ma), probes);
        }
        const member = (m: Model) => probes.filter((p) => m.member(p));
        expect(a.includesAll(b)).toBe(member(mb).every((p) => ma.member(p)));
        expect(a.intersects(b)).toBe(member(mb).some((p) => ma.member(p)));
        expectAgrees(a, ma, probes);
        expectAgrees(b, mb, probes);
      }),
      RUNS,
    );
  });

  it('sets are equal exactly when their marks in normal form are, however they were made', () => {
    fc.assert(
      fc.property(spines, recipe, recipe, fc.constantFrom(...OPERATIONS), (chains, ra, rb, op) => {
        const [a, ma] = build(ra, chains);
        const [b, mb] = build(rb, chains);
        const [c, mc] = [a[op](b), combineModels(op, ma, mb)];
        const pool: [CategorySet, Model][] = [
          [a, ma],
          [b, mb],
          [c, mc],
          [CategorySet.fromJson(c.toJSON()), mc],
          [c.difference(b).union(c.intersection(b)), mc],
        ];
        const normal = pool.map(([, m]) => JSON.stringify(expectedMarks(m)));
        pool.forEach(([x], i) =>
          pool.forEach(([y], j) => {
            expect([i, j, x.equals(y)]).toEqual([i, j, normal[i] === normal[j]]);
            expect([j, i, y.equals(x)]).toEqual([j, i, normal[i] === normal[j]]);
          }),
        );
      }),
      RUNS,
    );
  });

  it('unions of many sets, with and without exceptions, and folds in a builder agree with the model', () => {
    fc.assert(
      fc.property(
        spines,
        fc.array(fc.tuple(recipe, fc.constantFrom(...OPERATIONS)), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(pick, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        (chains, steps, inclusions) => {
          const built = steps.map(([r, op]) => [...build(r, chains), op] as const);
          // Sets without exceptions unite by pooling their marks; sets with them, pairwise.
          const plain = inclusions.map((include) => build({ kind: 'marks', include, exclude: [] }, chains));
          for (const group of [plain, built.map(([set, model]) => [set, model] as const)]) {
            const union = group.map(([, m]) => m).reduce((u, m) => combineModels('union', u, m));
            expectAgrees(CategorySet.unionAll(group.map(([set]) => set)), union, probesOf(union));
          }
          const builder = CategorySet.EMPTY.builder();
          let model = modelOfMarks([]);
          for (const [set, m, op] of built) {
            builder[op](set);
            model = combineModels(op, model, m);
          }
          expectAgrees(builder.toSet(), model, probesOf(model));
        },
      ),
      RUNS,
    );
  });
});
