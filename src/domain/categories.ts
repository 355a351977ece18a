/**
 * Category sets over the user's category hierarchy.
 *
 * A category is a path (`exports/semiconductors`) and covers itself and
 * everything below it. A set is held as marks on paths: a path is in the set
 * when its deepest marked ancestor-or-self is marked "in". Included paths are
 * the "in" marks, excluded paths the "out" marks. Normalised, no mark repeats
 * what it inherits, so equal sets have equal marks. This form is closed under
 * union, intersection and difference, which a flat include-minus-exclude list
 * is not: (exports minus exports/a) union exports/a/b needs a path included
 * inside an excluded one.
 */
import {
  combine,
  EMPTY_ROOT,
  find,
  hasMarkBelow,
  sameTrie,
  uniteInclusions,
  type SetOperation,
  type TrieNode,
} from './category-trie.js';
import { listMarks, trieOf } from './category-trie-marks.js';

export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

export function isCategory(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 512 && CATEGORY_PATTERN.test(value);
}

export interface CategorySetJson {
  include: string[];
  exclude: string[];
}

/** A category set as every answer gives it: the categories, and the subcategories excepted from them. */
export interface CategorySetAnswer {
  categories: string[];
  except: string[];
}

let setsMade = 0;

/**
 * The marks of the sets made when read (`whenRead`) last, oldest first: a
 * cause check reads each a few times in a row. Boxes, not the sets: a set
 * holds what makes it (a measure's contribution, with all it keeps), and
 * this list would keep the last timeline's alive after it was answered.
 */
const recentlyMade: { root?: TrieNode }[] = [];
const MADE_KEPT = 8;

/** Sets of recorded facts' category lists (see `CategorySet.ofRecorded`), held as long as the list is. */
const recordedSets = new WeakMap<readonly string[], CategorySet>();

export class CategorySet {
  static readonly EMPTY = new CategorySet(EMPTY_ROOT);

  private constructor(
    /** The marks; undefined for a set made when read (see `whenRead`). */
    private readonly marked: TrieNode | undefined,
    private readonly make?: () => CategorySet,
  ) {}

  /** A set made when read: its marks while among the last made, none when not made yet or dropped since. */
  private made?: { root?: TrieNode };

  /**
   * A set worked out when first read, and dropped again once a few others
   * have been (made again if read again). For the many counterfactual states
   * a cause check keeps while it tries each event at an instant hundreds of
   * events share: each is a measure's whole restricted set, read once or
   * twice, and keeping them all held the timeline's largest stretch of memory.
   * `make` must give the same set each time.
   */
  static whenRead(make: () => CategorySet): CategorySet {
    return new CategorySet(undefined, make);
  }

  private get root(): TrieNode {
    return this.marked ?? this.made?.root ?? this.makeNow();
  }

  private makeNow(): TrieNode {
    const root = this.make!().root;
    this.made = { root };
    recentlyMade.push(this.made);
    if (recentlyMade.length > MADE_KEPT) recentlyMade.shift()!.root = undefined;
    return root;
  }

  /** A builder that folds changes into this set (see CategorySetBuilder). */
  builder(): CategorySetBuilder {
    return new CategorySetBuilder(this);
  }

  static of(categories: Iterable<string>): CategorySet {
    const marks: [string, boolean][] = [];
    for (const category of categories) marks.push([category, true]);
    return new CategorySet(trieOf(marks));
  }

  /**
   * The set of a recorded fact's category list, made once per list: a stored
   * payload is never changed, and every history resolved from a measure's
   * facts (as known at each position a feed or query asks about) reads the
   * same lists again. Never for a list that may still change.
   */
  static ofRecorded(categories: readonly string[]): CategorySet {
    let set = recordedSets.get(categories);
    if (!set) {
      set = CategorySet.of(categories);
      recordedSets.set(categories, set);
    }
    return set;
  }

  static fromAnswer(answer: CategorySetAnswer): CategorySet {
    return CategorySet.fromJson({ include: answer.categories, exclude: answer.except });
  }

  static fromJson(json: CategorySetJson): CategorySet {
    const marks: [string, boolean][] = [];
    for (const category of json.include) marks.push([category, true]);
    for (const category of json.exclude) marks.push([category, false]);
    return new CategorySet(trieOf(marks));
  }

  /** Whether the category itself is in the set (its sub-categories may not all be). */
  contains(category: string): boolean {
    return find(this.root, category).member;
  }

  /** Whether the set holds the category and everything below it. */
  covers(category: string): boolean {
    const { node, member } = find(this.root, category);
    return member && !(node && hasMarkBelow(node, false));
  }

  /** Whether the set holds any part of the category. */
  overlaps(category: string): boolean {
    const { node, member } = find(this.root, category);
    return member || (node !== undefined && hasMarkBelow(node, true));
  }

  /** Whether every member of `other` is in this set. */
  includesAll(other: CategorySet): boolean {
    return other.difference(this).isEmpty();
  }

  intersects(other: CategorySet): boolean {
    return !this.intersection(other).isEmpty();
  }

  /** Normalised, a set with any member has a marked path (an exception only ever sits inside an inclusion). */
  isEmpty(): boolean {
    return !this.root.children;
  }

  /**
   * The union of many sets, merged pairwise in rounds: each mark takes part in
   * about log2(n) merges, where folding them one by one would copy the growing
   * result once per set.
   */
  static unionAll(sets: Iterable<CategorySet>): CategorySet {
    let round = [...sets].filter((s) => !s.isEmpty());
    if (!round.length) return CategorySet.EMPTY;
    if (round.length > 1 && round.every((s) => s.inclusionsOnly)) return CategorySet.unionOfInclusions(round);
    while (round.length > 1) {
      const next: CategorySet[] = [];
      for (let i = 0; i < round.length; i += 2)
        next.push(i + 1 < round.length ? round[i]!.union(round[i + 1]!) : round[i]!);
      round = next;
    }
    return round[0]!;
  }

  /**
   * Sets without exceptions (most exemptions' categories) unite by pooling
   * their marks: a path is in the union when one of them includes it or an
   * ancestor. One pass over the marks, where merging pairwise takes log2(n).
   */
  private static unionOfInclusions(sets: Iterable<CategorySet>): CategorySet {
    const roots = [...sets].filter((s) => !s.isEmpty()).map((s) => s.root);
    return roots.length ? new CategorySet(uniteInclusions(roots) ?? EMPTY_ROOT) : CategorySet.EMPTY;
  }

  private exceptions?: boolean;

  /** Whether every mark is an inclusion (no category is excepted). */
  get inclusionsOnly(): boolean {
    this.exceptions ??= hasMarkBelow(this.root, false);
    return !this.exceptions;
  }

  union(other: CategorySet): CategorySet {
    return this.combine(other, 'union');
  }

  intersection(other: CategorySet): CategorySet {
    return this.combine(other, 'intersection');
  }

  difference(other: CategorySet): CategorySet {
    return this.combine(other, 'difference');
  }

  equals(other: CategorySet): boolean {
    if (other === this) return true;
    if (this.compared?.other === other.id) return this.compared.equal;
    const equal = sameTrie(this.root, other.root);
    this.compared = { other: other.id, equal };
    other.compared = { other: this.id, equal };
    return equal;
  }

  /**
   * The last set this one was compared with, and the outcome: the effective
   * feed compares each subject's sets before and after a change, and the
   * subjects of a measure mostly share both, equal in content but worked out
   * apart (a large scope compared path by path for each of thousands).
   * Named by its number, not held: a set kept in a read model would otherwise
   * keep the set it was last compared with, and that one the next, without
   * end. Nor by a WeakRef: each keeps its target alive to the end of the
   * task, so a timeline worked out in one slice kept every set it compared,
   * and the collector copied them all to the old generation.
   */
  private compared?: { other: number; equal: boolean };

  /** Unique among sets (a counter: 2^53 sets are never made). */
  private readonly id = ++setsMade;

  get include(): string[] {
    return this.marks().include.slice();
  }

  get exclude(): string[] {
    return this.marks().exclude.slice();
  }

  /** `include` and `exclude` without a copy, for a reader that only reads them (a sentence naming the set). */
  get paths(): { include: readonly string[]; exclude: readonly string[] } {
    return this.marks();
  }

  /**
   * The set's marked paths, listed once: a set is immutable, and one set is
   * often the answer for many subjects (every subject of a measure whose
   * exemptions name none), each of which would otherwise list it again.
   */
  private listed?: { include: readonly string[]; exclude: readonly string[]; answer: CategorySetAnswer };

  private marks(): NonNullable<CategorySet['listed']> {
    if (!this.listed) {
      const include: string[] = [];
      const exclude: string[] = [];
      listMarks(this.root, include, exclude);
      include.sort();
      exclude.sort();
      // Frozen, for the answer is shared: a caller changing it would change every other answer of this set.
      const answer = Object.freeze({ categories: Object.freeze(include), except: Object.freeze(exclude) });
      this.listed = { include, exclude, answer: answer as CategorySetAnswer };
    }
    return this.listed;
  }

  toJSON(): CategorySetJson {
    return { include: this.include, exclude: this.exclude };
  }

  /** The set as answers show it; the same frozen object each time it is asked. */
  toAnswer(): CategorySetAnswer {
    return this.marks().answer;
  }

  toString(): string {
    return categorySetText(this.include, this.exclude);
  }

  private combine(other: CategorySet, op: SetOperation): CategorySet {
    const root = combine(op, this.root, other.root, false, false, false) ?? EMPTY_ROOT;
    // The same trie back: the same set (keeps identity, which later operations use to skip shared subtrees).
    if (root === this.root) return this;
    if (root === other.root) return other;
    return new CategorySet(root);
  }
}

/**
 * A category set folded through many changes. A run of unions is one union
 * with the union of their sets, a run of differences one difference with it
 * (S − A − B = S − (A ∪ B)): the run is pooled and applied when the kind of
 * change switches or the set is taken, so folding a measure's hundreds of
 * narrowings of one category copies its subcategories once, not once each.
 */
export class CategorySetBuilder {
  private run?: { kind: 'union' | 'difference'; sets: CategorySet[] };

  constructor(private current: CategorySet) {}

  union(other: CategorySet): this {
    return this.pool('union', other);
  }

  difference(other: CategorySet): this {
    return this.pool('difference', other);
  }

  intersection(other: CategorySet): this {
    this.current = this.toSet().intersection(other);
    return this;
  }

  toSet(): CategorySet {
    if (this.run) {
      const pooled = CategorySet.unionAll(this.run.sets);
      this.current = this.run.kind === 'union' ? this.current.union(pooled) : this.current.difference(pooled);
      this.run = undefined;
    }
    return this.current;
  }

  private pool(kind: 'union' | 'difference', other: CategorySet): this {
    if (this.run?.kind !== kind) this.toSet();
    (this.run ??= { kind, sets: [] }).sets.push(other);
    return this;
  }
}

/** A category set in words, as every text answer writes it: "exports, imports except exports/5g". */
export function categorySetText(categories: readonly string[], except: readonly string[] = []): string {
  return categories.join(', ') + (except.length ? ` except ${except.join(', ')}` : '');
}
