/**
 * The marks of a category set as an immutable trie compressed along chains:
 * a node holds the path's mark (absent: it inherits its parent's membership)
 * and the nodes below it, each reached by an edge labelled with one or more
 * segments. Kept normalised (a mark only where it differs from what the path
 * inherits, no node without a mark or nodes below, and a node without a mark
 * with a single node below merged into it), so equal sets have equal tries.
 * A 512-character category of one-letter segments is one node, not 256: a
 * command naming 2,000 of them builds, combines and lists in milliseconds.
 *
 * Nodes are never changed once made, so sets share them: an operation
 * rebuilds only the paths where its operands meet and reuses every subtree
 * one operand decides alone. A difference of a scope and the exemptions on
 * `exports` copies nothing of `services`; the change from one instant's set
 * to the next costs about the part that changed.
 */
export interface TrieNode {
  /** The segments from the parent's path to this node's, joined by '/'; '' for the root (no path). */
  readonly label: string;
  readonly mark: boolean | undefined;
  /** The nodes below, by the first segment of their labels. */
  readonly children: ReadonlyMap<string, TrieNode> | undefined;
}

export type SetOperation = 'union' | 'intersection' | 'difference';

/** The root of the empty set; a root never has a mark (it is no path). */
export const EMPTY_ROOT: TrieNode = { label: '', mark: undefined, children: undefined };
const SLASH = 47;

function apply(op: SetOperation, a: boolean, b: boolean): boolean {
  return op === 'union' ? a || b : op === 'intersection' ? a && b : a && !b;
}

export function firstSegment(label: string): string {
  const slash = label.indexOf('/');
  return slash < 0 ? label : label.slice(0, slash);
}

/** A node without a mark and with one node below: in normal form it merges into that node (a root never does). */
const isChain = (n: TrieNode) => n.mark === undefined && n.label !== '' && n.children?.size === 1;

/** A normalised node (or none): see the module's comment. */
export function node(
  label: string,
  mark: boolean | undefined,
  children: ReadonlyMap<string, TrieNode> | undefined,
): TrieNode | undefined {
  if (children && !children.size) children = undefined;
  if (!children) return mark === undefined ? undefined : { label, mark, children };
  const made = { label, mark, children };
  if (!isChain(made)) return made;
  const only = children.values().next().value!;
  return { label: `${label}/${only.label}`, mark: only.mark, children: only.children };
}

/** A node like `like` but for its mark, reusing `like` when the mark is the same (and it is normal). */
function withMark(like: TrieNode, mark: boolean | undefined): TrieNode | undefined {
  return like.mark === mark && !isChain(like) ? like : node(like.label, mark, like.children);
}

/** Whether two nodes are the same in content one level deep (the nodes below shared). */
const sameNode = (x: TrieNode, y: TrieNode) => x.label === y.label && x.mark === y.mark && x.children === y.children;

/**
 * The length of the longest run of whole segments two labels start with
 * (-1 for none); labels of one node's children by the same segment share at
 * least that segment.
 */
export function commonLength(x: string, y: string): number {
  const end = Math.min(x.length, y.length);
  let i = 0;
  while (i < end && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  const atBoundary = (s: string) => s.length === i || s.charCodeAt(i) === SLASH;
  if (i === end && atBoundary(x) && atBoundary(y)) return end;
  return i === 0 ? -1 : x.lastIndexOf('/', i - 1);
}

/**
 * `n` cut after the first `length` characters of its label, a boundary of
 * its segments: a node there without a mark, above the rest of the chain.
 * Not normal; for an operation that meets another label there.
 */
function cut(n: TrieNode, length: number): TrieNode {
  if (n.label.length === length) return n;
  const rest = n.label.slice(length + 1);
  const below = new Map([[firstSegment(rest), { label: rest, mark: n.mark, children: n.children }]]);
  return { label: n.label.slice(0, length), mark: undefined, children: below };
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
 * none; both labelled alike), `inheritedA` and `inheritedB` the memberships
 * the path inherits in each, `inherited` the one it inherits in the result.
 */
export function combine(
  op: SetOperation,
  a: TrieNode | undefined,
  b: TrieNode | undefined,
  inheritedA: boolean,
  inheritedB: boolean,
  inherited: boolean,
): TrieNode | undefined {
  const label = (a ?? b)!.label;
  const inA = a?.mark ?? inheritedA;
  const inB = b?.mark ?? inheritedB;
  const here = apply(op, inA, inB);
  const mark = here === inherited ? undefined : here;
  const [belowA, belowB] = [a?.children, b?.children];
  if (!belowA && !belowB) return node(label, mark, undefined);
  // The same subtree on both sides, inheriting alike: a union or intersection is itself, a difference empty.
  if (a === b && inheritedA === inheritedB)
    return op === 'difference' ? node(label, mark, undefined) : withMark(a!, mark);
  // The right uniform below (inB everywhere): the left's subtree stands, or the result is uniform (op(x, inB) never
  // inverts x).
  if (!belowB) return effect(op, inB, false) === 'keep' ? withMark(a!, mark) : node(label, mark, undefined);
  // How each side's unmatched nodes fare under the other side's membership here.
  const onA = effect(op, inB, false);
  const onB = effect(op, inA, true);
  if (!belowA && onB !== 'invert') return onB === 'keep' ? withMark(b!, mark) : node(label, mark, undefined);
  // Both have nodes below (or the left is uniform and inverts the right): merge by segment, walking the smaller side
  // and copying the other when its unmatched nodes stand as they are.
  const rightBelow = belowB;
  if (onB === 'invert') {
    // The left is uniform under the right's unmatched nodes and inverts them: every node of the right is walked.
    const children = new Map<string, TrieNode>(onA === 'keep' && belowA ? belowA : []);
    for (const [segment, right] of rightBelow) {
      const result = combineBelow(op, belowA?.get(segment), right, inA, inB, here);
      if (result) children.set(segment, result);
      else children.delete(segment);
    }
    return node(label, mark, children);
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
    const result = combineBelow(op, left, right, inA, inB, here);
    if (result === (children ?? copied!.children!).get(segment)) continue;
    children ??= new Map(copied!.children);
    if (result) children.set(segment, result);
    else children.delete(segment);
  }
  if (!children) return withMark(copied!, mark);
  return node(label, mark, children);
}

/**
 * `combine` on two nodes below one node by the same first segment: where
 * their labels part, both are cut there first. An operand's node comes back
 * itself when the result is the same, so the nodes around it are shared too.
 */
function combineBelow(
  op: SetOperation,
  a: TrieNode | undefined,
  b: TrieNode | undefined,
  inheritedA: boolean,
  inheritedB: boolean,
  inherited: boolean,
): TrieNode | undefined {
  let result: TrieNode | undefined;
  if (!a || !b || a.label === b.label) result = combine(op, a, b, inheritedA, inheritedB, inherited);
  else {
    const common = commonLength(a.label, b.label);
    result = combine(op, cut(a, common), cut(b, common), inheritedA, inheritedB, inherited);
  }
  return result && (a && sameNode(result, a) ? a : b && sameNode(result, b) ? b : result);
}

/**
 * The union of sets without exceptions, from their nodes at one path (each
 * inheriting "out", all labelled alike): the path is in when one of them
 * marks it in; below, the nodes are pooled by segment, and a segment only
 * one of them has keeps its node as it is.
 */
export function uniteInclusions(nodes: readonly TrieNode[]): TrieNode | undefined {
  if (nodes.length === 1) return nodes[0];
  const marked = nodes.find((n) => n.mark === true);
  if (marked) return marked.children ? node(marked.label, true, undefined) : marked;
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
  for (const [segment, pooled] of shared ?? []) {
    // Nodes labelled alike pool again one level down. Labels that part somewhere are united pairwise, in rounds: cut
    // where the first parts from any other and pooled again, the longest chains would be cut once per node on the
    // way (2,000 categories leaving one chain at every depth: 500,000 cuts).
    const label = pooled[0]!.label;
    children.set(segment, pooled.every((n) => n.label === label) ? uniteInclusions(pooled)! : uniteInRounds(pooled));
  }
  return node(nodes[0]!.label, undefined, children);
}

/** The union of sets without exceptions, from their nodes below one node by the same segment, merged pairwise. */
function uniteInRounds(nodes: TrieNode[]): TrieNode {
  let round = nodes;
  while (round.length > 1) {
    const next: TrieNode[] = [];
    for (let i = 0; i < round.length; i += 2)
      next.push(i + 1 < round.length ? combineBelow('union', round[i], round[i + 1], false, false, false)! : round[i]!);
    round = next;
  }
  return round[0]!;
}

/** The node at a path and the membership the path has, or the deepest node on the way and its membership. */
export function find(root: TrieNode, path: string): { node?: TrieNode; member: boolean } {
  let at = root;
  let member = false;
  for (let start = 0; ;) {
    const slash = path.indexOf('/', start);
    const child = at.children?.get(path.slice(start, slash < 0 ? undefined : slash));
    if (!child) return { member };
    const { label } = child;
    const end = start + label.length;
    if (!path.startsWith(label, start)) {
      // The path may end inside the child's chain: unmarked there, above the rest of the chain.
      const length = path.length - start;
      const inside = label.charCodeAt(length) === SLASH && label.startsWith(path.slice(start));
      return inside ? { node: cut(child, length), member } : { member };
    }
    if (end === path.length) return { node: child, member: child.mark ?? member };
    if (path.charCodeAt(end) !== SLASH) return { member };
    at = child;
    member = child.mark ?? member;
    start = end + 1;
  }
}

/** Whether any mark below `at` (not `at` itself) is `mark`. */
export function hasMarkBelow(at: TrieNode, mark: boolean): boolean {
  for (const child of at.children?.values() ?? []) if (child.mark === mark || hasMarkBelow(child, mark)) return true;
  return false;
}

export function sameTrie(a: TrieNode | undefined, b: TrieNode | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.label !== b.label || a.mark !== b.mark || a.children?.size !== b.children?.size) return false;
  for (const [segment, child] of a.children ?? []) if (!sameTrie(child, b.children!.get(segment))) return false;
  return true;
}
