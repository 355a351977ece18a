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
export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

export function isCategory(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 512 && CATEGORY_PATTERN.test(value);
}

/** The mark of the deepest marked ancestor-or-self of a path; unmarked paths are out. */
function markAt(marks: ReadonlyMap<string, boolean>, path: string): boolean {
  let current = path;
  for (;;) {
    const mark = marks.get(current);
    if (mark !== undefined) return mark;
    const cut = current.lastIndexOf('/');
    if (cut <= 0) return false;
    current = current.slice(0, cut);
  }
}

function isStrictlyBelow(path: string, ancestor: string): boolean {
  return path.length > ancestor.length && path.startsWith(ancestor) && path[ancestor.length] === '/';
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

export class CategorySet {
  static readonly EMPTY = new CategorySet(new Map());

  private constructor(private readonly marks: ReadonlyMap<string, boolean>) {}

  /** A builder that folds changes into this set (see CategorySetBuilder). */
  builder(): CategorySetBuilder {
    return new CategorySetBuilder(this.marks, (marks) => new CategorySet(marks));
  }

  /** The marks of a union or difference with this set can differ only at or below these paths. */
  get markedPaths(): Iterable<string> {
    return this.marks.keys();
  }

  static of(categories: Iterable<string>): CategorySet {
    const marks = new Map<string, boolean>();
    for (const category of categories) marks.set(category, true);
    return CategorySet.normalised(marks);
  }

  static fromAnswer(answer: CategorySetAnswer): CategorySet {
    return CategorySet.fromJson({ include: answer.categories, exclude: answer.except });
  }

  static fromJson(json: CategorySetJson): CategorySet {
    const marks = new Map<string, boolean>();
    for (const category of json.include) marks.set(category, true);
    for (const category of json.exclude) marks.set(category, false);
    return CategorySet.normalised(marks);
  }

  private static normalised(marks: ReadonlyMap<string, boolean>): CategorySet {
    const kept = new Map<string, boolean>();
    for (const [path, inSet] of marks) {
      const cut = path.lastIndexOf('/');
      const inherited = cut > 0 ? markAt(marks, path.slice(0, cut)) : false;
      if (inSet !== inherited) kept.set(path, inSet);
    }
    return new CategorySet(kept);
  }

  /** Whether the category itself is in the set (its sub-categories may not all be). */
  contains(category: string): boolean {
    return markAt(this.marks, category);
  }

  /** Whether the set holds the category and everything below it. */
  covers(category: string): boolean {
    if (!this.contains(category)) return false;
    for (const [path, inSet] of this.marks) if (!inSet && isStrictlyBelow(path, category)) return false;
    return true;
  }

  /** Whether the set holds any part of the category. */
  overlaps(category: string): boolean {
    if (this.contains(category)) return true;
    for (const [path, inSet] of this.marks) if (inSet && isStrictlyBelow(path, category)) return true;
    return false;
  }

  /** Whether every member of `other` is in this set. */
  includesAll(other: CategorySet): boolean {
    return other.difference(this).isEmpty();
  }

  intersects(other: CategorySet): boolean {
    return !this.intersection(other).isEmpty();
  }

  isEmpty(): boolean {
    for (const inSet of this.marks.values()) if (inSet) return false;
    return true;
  }

  /**
   * The union of many sets, merged pairwise in rounds: each mark takes part in
   * about log2(n) merges, where folding them one by one would copy the growing
   * result once per set.
   */
  static unionAll(sets: Iterable<CategorySet>): CategorySet {
    let round = [...sets].filter((s) => !s.isEmpty());
    if (!round.length) return CategorySet.EMPTY;
    while (round.length > 1) {
      const next: CategorySet[] = [];
      for (let i = 0; i < round.length; i += 2)
        next.push(i + 1 < round.length ? round[i]!.union(round[i + 1]!) : round[i]!);
      round = next;
    }
    return round[0]!;
  }

  union(other: CategorySet): CategorySet {
    return this.combine(other, (a, b) => a || b);
  }

  intersection(other: CategorySet): CategorySet {
    return this.combine(other, (a, b) => a && b);
  }

  difference(other: CategorySet): CategorySet {
    return this.combine(other, (a, b) => a && !b);
  }

  equals(other: CategorySet): boolean {
    if (this.marks.size !== other.marks.size) return false;
    for (const [path, inSet] of this.marks) if (other.marks.get(path) !== inSet) return false;
    return true;
  }

  get include(): string[] {
    return [...this.marks]
      .filter(([, inSet]) => inSet)
      .map(([path]) => path)
      .sort();
  }

  get exclude(): string[] {
    return [...this.marks]
      .filter(([, inSet]) => !inSet)
      .map(([path]) => path)
      .sort();
  }

  toJSON(): CategorySetJson {
    return { include: this.include, exclude: this.exclude };
  }

  toAnswer(): CategorySetAnswer {
    return { categories: this.include, except: this.exclude };
  }

  toString(): string {
    return categorySetText(this.include, this.exclude);
  }

  /**
   * Membership of every path in a combined set is decided at the deepest mark
   * of either operand, so evaluating the operator at each operand mark is exact.
   */
  private combine(other: CategorySet, op: (a: boolean, b: boolean) => boolean): CategorySet {
    // Each operand's own marks read directly, the other's inherited: no list of both, and one lookup per own mark.
    const marks = new Map<string, boolean>();
    for (const [path, inSet] of this.marks) marks.set(path, op(inSet, markAt(other.marks, path)));
    for (const [path, inSet] of other.marks)
      if (!this.marks.has(path)) marks.set(path, op(markAt(this.marks, path), inSet));
    return CategorySet.normalised(marks);
  }
}

const ancestorsOf = function* (path: string): Generator<string> {
  for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) yield path.slice(0, cut);
};

/**
 * A category set folded through many changes in place. A union or difference
 * with a small set changes marks only at and below the other set's paths, so
 * it costs about those, where CategorySet's operations copy the whole set:
 * folding a measure's hundreds of scope changes stays linear. The marks are
 * kept normalised, so `toSet()` equals the set the operations would give.
 */
export class CategorySetBuilder {
  private readonly marks: Map<string, boolean>;
  /** Every path with marks strictly below it, with those marked paths. */
  private readonly below = new Map<string, Set<string>>();

  constructor(
    marks: ReadonlyMap<string, boolean>,
    private readonly make: (marks: ReadonlyMap<string, boolean>) => CategorySet,
  ) {
    this.marks = new Map();
    for (const [path, inSet] of marks) this.mark(path, inSet);
  }

  union(other: CategorySet): this {
    return this.apply(other, (a, b) => a || b);
  }

  difference(other: CategorySet): this {
    return this.apply(other, (a, b) => a && !b);
  }

  /** Not local (everything outside `other` leaves the set): done on the whole set. */
  intersection(other: CategorySet): this {
    const result = this.toSet().intersection(other).builder();
    this.marks.clear();
    this.below.clear();
    for (const [path, inSet] of result.marks) this.mark(path, inSet);
    return this;
  }

  toSet(): CategorySet {
    return this.make(new Map(this.marks));
  }

  /** For an `op` with op(a, false) = a: paths outside the other set keep their membership. */
  private apply(other: CategorySet, op: (a: boolean, b: boolean) => boolean): this {
    const otherMarks = new Map<string, boolean>();
    const touched = new Set<string>();
    for (const path of other.markedPaths) {
      touched.add(path);
      for (const under of this.below.get(path) ?? []) touched.add(under);
    }
    for (const path of other.markedPaths) otherMarks.set(path, other.contains(path));
    const values = new Map<string, boolean>();
    for (const path of touched) values.set(path, op(markAt(this.marks, path), markAt(otherMarks, path)));
    // Shallow paths first: a path's mark is kept when it differs from what it inherits, which its ancestors decide.
    const byDepth = [...touched].sort((a, b) => depthOf(a) - depthOf(b));
    for (const path of byDepth) {
      this.unmark(path);
      const cut = path.lastIndexOf('/');
      const inherited = cut > 0 ? markAt(this.marks, path.slice(0, cut)) : false;
      if (values.get(path) !== inherited) this.mark(path, values.get(path)!);
    }
    return this;
  }

  private mark(path: string, inSet: boolean): void {
    if (!this.marks.has(path))
      for (const ancestor of ancestorsOf(path))
        (this.below.get(ancestor) ?? this.below.set(ancestor, new Set()).get(ancestor)!).add(path);
    this.marks.set(path, inSet);
  }

  private unmark(path: string): void {
    if (!this.marks.delete(path)) return;
    for (const ancestor of ancestorsOf(path)) {
      const under = this.below.get(ancestor);
      under?.delete(path);
      if (under?.size === 0) this.below.delete(ancestor);
    }
  }
}

function depthOf(path: string): number {
  let depth = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) depth++;
  return depth;
}

/** A category set in words, as every text answer writes it: "exports, imports except exports/5g". */
export function categorySetText(categories: readonly string[], except: readonly string[] = []): string {
  return categories.join(', ') + (except.length ? ` except ${except.join(', ')}` : '');
}
