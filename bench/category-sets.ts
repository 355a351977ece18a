/**
 * Category sets of the widest command (2,000 categories) on deep paths (512
 * characters of one-letter segments, ~256 levels) and on shallow ones: each
 * operation is one synchronous call, so its time is how long it holds the
 * event loop (issue 12 bounds that at a few ms). The deep second operand
 * shares half the first's categories and splits their chains at every depth,
 * or ends inside them.
 *
 *   npx tsc -p tsconfig.build.json --noCheck && node --expose-gc dist/bench/category-sets.js [runs=15] [deep|leaving|shallow]
 */
import { CategorySet } from '../src/domain/categories.js';
import { machine, spread } from './lib.js';

const runs = Number(process.argv[2] ?? 15);
/** Only the cases whose name holds this word (`deep`, `leaving`, `shallow`), when given. */
const only = process.argv[3];
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const COUNT = 2_000;
const chain = (levels: number) => Array.from({ length: levels }, () => 's').join('/');
/** As in replay-wide.ts: a category of 512 characters, one short segment after another. */
const deep = (i: number) => `c${i}/${chain(255)}`.slice(0, 512);
/** Categories 1,000 to 2,999: the first half leave `deep`'s chain at depth i mod 250 (or end there), the rest are new. */
const deepOther = (i: number) => {
  const j = i + COUNT / 2;
  const at = j % 250;
  return j % 3 === 0 ? `c${j}/${chain(at + 1)}` : `c${j}/${chain(at)}/t${j}/${chain(200 - at)}`.slice(0, 512);
};
/** Categories that each leave one shared chain at their own depth: a node at every depth of it (the worst shape). */
const leaving = (i: number) => `${chain(1 + (i % 250))}/t${i}/${chain(255)}`.slice(0, 512);
const shallow = (i: number) => `g${i % 40}/k${i}`;
const shallowOther = (i: number) => (i % 2 ? `g${i % 40}` : `g${(i % 40) + 20}/k${i + 1}/x`);

interface Case {
  name: string;
  first: string[];
  second: string[];
  /** A set with both kinds of marks: categories, and exceptions inside them. */
  mixed: { include: string[]; exclude: string[] };
}

const cases: Case[] = [
  {
    name: `${COUNT} deep`,
    first: Array.from({ length: COUNT }, (_, i) => deep(i)),
    second: Array.from({ length: COUNT }, (_, i) => deepOther(i)),
    mixed: {
      include: Array.from({ length: COUNT }, (_, i) => `c${i}/${chain(1 + (i % 200))}`),
      exclude: Array.from({ length: COUNT }, (_, i) => deep(i)),
    },
  },
  {
    name: `${COUNT} deep leaving one chain`,
    first: Array.from({ length: COUNT }, (_, i) => leaving(i)),
    second: Array.from({ length: COUNT }, (_, i) => leaving(i + COUNT / 2)),
    mixed: {
      include: Array.from({ length: COUNT }, (_, i) => leaving(i).slice(0, 2 * (1 + (i % 250)) + String(i).length + 1)),
      exclude: Array.from({ length: COUNT }, (_, i) => leaving(i)),
    },
  },
  {
    name: `${COUNT} shallow`,
    first: Array.from({ length: COUNT }, (_, i) => shallow(i)),
    second: Array.from({ length: COUNT }, (_, i) => shallowOther(i)),
    mixed: {
      include: Array.from({ length: COUNT }, (_, i) => shallow(i)),
      exclude: Array.from({ length: COUNT }, (_, i) => `${shallow(i)}/e`),
    },
  },
];

/** The median and range over `runs` runs of `work`, each on inputs `prepare` made outside the timing. */
function time<T>(prepare: () => T, work: (input: T) => unknown) {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const input = prepare();
    // Each run starts with no garbage left by the one before (collected in its own time, not in this run's).
    collectGarbage?.();
    const started = performance.now();
    work(input);
    ms.push(performance.now() - started);
  }
  return spread(ms);
}

console.log(`Category sets, ${new Date().toISOString().slice(0, 16)}, ${machine()}, median of ${runs} (min-max) ms`);
for (const { name, first, second, mixed: marks } of cases.filter((c) => !only || c.name.includes(only))) {
  const a = CategorySet.of(first);
  const b = CategorySet.of(second);
  const mixed = CategorySet.fromJson(marks);
  const probes = [...first, ...second, ...marks.include];
  const results: [string, ReturnType<typeof spread>][] = [
    [
      'build (of)',
      time(
        () => first,
        (list) => CategorySet.of(list),
      ),
    ],
    [
      'build with exceptions',
      time(
        () => marks,
        (json) => CategorySet.fromJson(json),
      ),
    ],
    [
      'union',
      time(
        () => a,
        (x) => x.union(b),
      ),
    ],
    [
      'intersection',
      time(
        () => a,
        (x) => x.intersection(b),
      ),
    ],
    [
      'difference',
      time(
        () => a,
        (x) => x.difference(b),
      ),
    ],
    [
      'difference from exceptions',
      time(
        () => mixed,
        (x) => x.difference(b),
      ),
    ],
    ['union of 2,000 one-category sets', time(() => second.map((c) => CategorySet.of([c])), CategorySet.unionAll)],
    [
      `contains x${probes.length}`,
      time(
        () => mixed,
        (x) => probes.forEach((p) => x.contains(p)),
      ),
    ],
    [
      `covers+overlaps x${probes.length}`,
      time(
        () => mixed,
        (x) => probes.forEach((p) => x.covers(p) && x.overlaps(p)),
      ),
    ],
    [
      'listing (toAnswer)',
      time(
        () => CategorySet.fromJson(mixed.toJSON()),
        (x) => x.toAnswer(),
      ),
    ],
    [
      'equality (equal sets)',
      time(
        () => [CategorySet.of(first), CategorySet.of(first)],
        ([x, y]) => x!.equals(y!),
      ),
    ],
  ];
  console.log(`\n${name} categories`);
  for (const [operation, { median, min, max }] of results)
    console.log(`  ${operation.padEnd(34)} ${String(median).padStart(9)}  (${min}-${max})`);
}
