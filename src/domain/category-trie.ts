/**
 * The marks of a category set as an immutable trie: one node per path
 * segment, holding the path's mark (absent: it inherits its parent's
 * membership) and the nodes below it. Kept normalised (a mark only where it
 * differs from what the path inherits, no node without a mark or nodes
 * below), so equal sets have equal tries.
 *
 * Nodes are never changed once made, so sets share them: an operation
 * rebuilds only the paths where its operands meet and reuses every subtree
 * one operand decides alone. A difference of a scope and the exemptions on
 * `exports` copies nothing of `services`; the change from one instant's set
 * to the next costs about the part that changed.
 */
export interface TrieNode {
  readonly mark?: boolean;
  readonly children?: ReadonlyMap<string, TrieNode>;
}

export type SetOperation = 'union' | 'intersection' | 'difference';

/** The root of the empty set; a root never has a mark (it is no path). */
export const EMPTY_ROOT: TrieNode = {};
const IN: TrieNode = { mark: true };
const OUT: TrieNode = { mark: false };

function apply(op: SetOperation, a: boolean, b: boolean): boolean {
  return op === 'union' ? a || b : op === 'intersection' ? a && b : a && !b;
}

function node(mark: boolean | undefined, children: ReadonlyMap<string, TrieNode> | undefined): TrieNode | undefined {
  if (children && !children.size) children = undefined;
  if (!children) return mark === undefined ? undefined : mark ? IN : OUT;
  return { mark, children };
}

/** A node like `like` but for its mark, reusing `like` when the mark is the same. */
function withMark(like: TrieNode, mark: boolean | undefined): TrieNode | undefined {
  return like.mark === mark ? like : node(mark, like.children);
}

/** How the side that has nodes below fares where the other side is uniform (`b` there): op(x, b) as a function of x. */
type Effect = 'keep' | 'all-in' | 'all-out' | 'invert';
function effect(op: SetOperation, other: boolean, otherIsLeft: boolean): Effect {
  const f = (x: boolean) => (otherIsLeft ? apply(op, other, x) : apply(op, x, other));
  const [onOut, onIn] = [f(false), f(true)];
  return onOut === onIn ? (onIn ? 'all-in' : 'all-out') : onIn ? 'keep' : 'invert';
}

/**
 * The result's node at one path: `a` and `b` the operands' nodes there (or
 * none), `inheritedA` and `inheritedB` the memberships the path inherits in
 * each, `inherited` the one it inherits in the result.
 */
export function combine(
  op: SetOperation,
  a: TrieNode | undefined,
  b: TrieNode | undefined,
  inheritedA: boolean,
  inheritedB: boolean,
  inherited: boolean,
): TrieNode | undefined {
  const inA = a?.mark ?? inheritedA;
  const inB = b?.mark ?? inheritedB;
  const here = apply(op, inA, inB);
  const mark = here === inherited ? undefined : here;
  const [belowA, belowB] = [a?.children, b?.children];
  if (!belowA && !belowB) return node(mark, undefined);
  // The same subtree on both sides, inheriting alike: a union or intersection is itself, a difference empty.
  if (a === b && inheritedA === inheritedB) return op === 'difference' ? node(mark, undefined) : withMark(a!, mark);
  // The right uniform below (inB everywhere): the left's subtree stands, or the result is uniform (op(x, inB) never
  // inverts x).
  if (!belowB) return effect(op, inB, false) === 'keep' ? withMark(a!, mark) : node(mark, undefined);
  // How each side's unmatched nodes fare under the other side's membership here.
  const onA = effect(op, inB, false);
  const onB = effect(op, inA, true);
  if (!belowA && onB !== 'invert') return onB === 'keep' ? withMark(b!, mark) : node(mark, undefined);
  // Both have nodes below (or the left is uniform and inverts the right): merge by segment, walking the smaller side
  // and copying the other when its unmatched nodes stand as they are.
  const rightBelow = belowB;
  if (onB === 'invert') {
    // The left is uniform under the right's unmatched nodes and inverts them: every node of the right is walked.
    const children = new Map<string, TrieNode>(onA === 'keep' && belowA ? belowA : []);
    for (const [segment, right] of rightBelow) {
      const result = combine(op, belowA?.get(segment), right, inA, inB, here);
      if (result) children.set(segment, result);
      else children.delete(segment);
    }
    return node(mark, children);
  }
  // Walk the smaller side; the other side's unmatched nodes stand as they are ('keep') or go (uniform, as here).
  const walkLeft = belowA !== undefined && belowA.size < rightBelow.size;
  const copied = walkLeft ? (onB === 'keep' ? b : undefined) : onA === 'keep' ? a : undefined;
  const walk = walkLeft ? belowA : rightBelow;
  // The copied side's nodes are copied only once a walked segment changes one: a union with a subset, or a
  // difference with a disjoint set, leaves the larger side as it is, and its node can have thousands of children.
  let children: Map<string, TrieNode> | undefined = copied ? undefined : new Map();
  for (const [segment, walked] of walk) {
    const [left, right] = walkLeft ? [walked, rightBelow.get(segment)] : [belowA?.get(segment), walked];
    const result = combine(op, left, right, inA, inB, here);
    if (result === (children ?? copied!.children!).get(segment)) continue;
    children ??= new Map(copied!.children);
    if (result) children.set(segment, result);
    else children.delete(segment);
  }
  if (!children) return withMark(copied!, mark);
  return node(mark, children);
}

/**
 * The union of sets without exceptions, from their nodes at one path (each
 * inheriting "out"): the path is in when one of them marks it in; below, the
 * nodes are pooled by segment, and a segment only one of them has keeps its
 * node as it is.
 */
export function uniteInclusions(nodes: readonly TrieNode[]): TrieNode | undefined {
  if (nodes.length === 1) return nodes[0];
  if (nodes.some((n) => n.mark === true)) return IN;
  // Most segments are one set's alone (exemptions on categories of their own): those are kept as they are, and only
  // the segments several sets share are pooled.
  const children = new Map<string, TrieNode>();
  let shared: Map<string, TrieNode[]> | undefined;
  for (const n of nodes)
    for (const [segment, child] of n.children ?? []) {
      const first = children.get(segment);
      if (first === undefined) children.set(segment, child);
      else {
        shared ??= new Map();
        const pooled = shared.get(segment);
        if (pooled) pooled.push(child);
        else shared.set(segment, [first, child]);
      }
    }
  for (const [segment, pooled] of shared ?? []) children.set(segment, uniteInclusions(pooled)!);
  return node(undefined, children);
}

/** A trie from marks on paths (a later mark on the same path wins), normalised. */
export function trieOf(marks: Iterable<readonly [string, boolean]>): TrieNode {
  interface Draft {
    mark?: boolean;
    children?: Map<string, Draft>;
  }
  const root: Draft = {};
  for (const [path, inSet] of marks) {
    let at = root;
    for (const segment of path.split('/')) {
      at.children ??= new Map();
      let next = at.children.get(segment);
      if (!next) at.children.set(segment, (next = {}));
      at = next;
    }
    at.mark = inSet;
  }
  const normalise = (draft: Draft, inherited: boolean): TrieNode | undefined => {
    const here = draft.mark ?? inherited;
    let children: Map<string, TrieNode> | undefined;
    for (const [segment, child] of draft.children ?? []) {
      const result = normalise(child, here);
      if (result) (children ??= new Map()).set(segment, result);
    }
    return node(draft.mark === undefined || draft.mark === inherited ? undefined : draft.mark, children);
  };
  return normalise(root, false) ?? EMPTY_ROOT;
}

/** Every marked path below `root`, parents first, into `include` or `exclude` by its mark. */
export function listMarks(root: TrieNode, include: string[], exclude: string[], prefix = ''): void {
  for (const [segment, child] of root.children ?? []) {
    const path = pathOf(prefix, segment);
    if (child.mark !== undefined) (child.mark ? include : exclude).push(path);
    if (child.children) listMarks(child, include, exclude, path);
  }
}

/**
 * Paths by parent path and segment, one string per path: a timeline lists a
 * measure's whole restricted set at each of its intervals, and a string made
 * afresh for every path of every listing held most of a long timeline's
 * memory. Bounded: a ledger names few paths, but a ledger is not all there is.
 */
const paths = new Map<string, Map<string, string>>();
let pathsKept = 0;
const PATHS_KEPT = 100_000;

function pathOf(prefix: string, segment: string): string {
  if (!prefix) return segment;
  let below = paths.get(prefix);
  let path = below?.get(segment);
  if (path !== undefined) return path;
  if (++pathsKept > PATHS_KEPT) (paths.clear(), (pathsKept = 1), (below = undefined));
  if (!below) paths.set(prefix, (below = new Map<string, string>()));
  below.set(segment, (path = `${prefix}/${segment}`));
  return path;
}

/** The node at a path and the membership the path has, or the deepest node on the way and its membership. */
export function find(root: TrieNode, path: string): { node?: TrieNode; member: boolean } {
  let at: TrieNode = root;
  let member = false;
  for (const segment of path.split('/')) {
    const next = at.children?.get(segment);
    if (!next) return { member };
    at = next;
    member = at.mark ?? member;
  }
  return { node: at, member };
}

/** Whether any mark below `at` (not `at` itself) is `mark`. */
export function hasMarkBelow(at: TrieNode, mark: boolean): boolean {
  for (const child of at.children?.values() ?? []) if (child.mark === mark || hasMarkBelow(child, mark)) return true;
  return false;
}

export function sameTrie(a: TrieNode | undefined, b: TrieNode | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.mark !== b.mark || a.children?.size !== b.children?.size) return false;
  for (const [segment, child] of a.children ?? []) if (!sameTrie(child, b.children!.get(segment))) return false;
  return true;
}
