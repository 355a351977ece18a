/**
 * Category tries from marks on paths, and their marks listed back: both in
 * time about linear in the marks' characters, whatever their depth.
 */
import { commonLength, EMPTY_ROOT, firstSegment, node, type TrieNode } from './category-trie.js';

const SLASH = 47;

/** A node while the trie is built: as a node, but changed in place, and not yet normal. */
interface Draft {
  label: string;
  mark?: boolean;
  children?: Map<string, Draft>;
}

/** A trie from marks on paths (a later mark on the same path wins), normalised. */
export function trieOf(marks: Iterable<readonly [string, boolean]>): TrieNode {
  const root: Draft = { label: '' };
  for (const [path, inSet] of marks) markPath(root, path, inSet);
  const normalise = (draft: Draft, inherited: boolean): TrieNode | undefined => {
    const here = draft.mark ?? inherited;
    let children: Map<string, TrieNode> | undefined;
    for (const [segment, child] of draft.children ?? []) {
      const made = normalise(child, here);
      if (made) (children ??= new Map()).set(segment, made);
    }
    return node(draft.label, draft.mark === inherited ? undefined : draft.mark, children);
  };
  return normalise(root, false) ?? EMPTY_ROOT;
}

/**
 * Marks `path` in a draft: down the edges the path follows whole, then a new
 * edge for the rest of it, cutting the edge it leaves (or ends) inside.
 */
function markPath(root: Draft, path: string, mark: boolean): void {
  let at = root;
  for (let start = 0; ;) {
    const slash = path.indexOf('/', start);
    const segment = path.slice(start, slash < 0 ? undefined : slash);
    const child = at.children?.get(segment);
    if (!child) {
      (at.children ??= new Map()).set(segment, { label: path.slice(start), mark });
      return;
    }
    const end = start + child.label.length;
    if (path.startsWith(child.label, start) && (end === path.length || path.charCodeAt(end) === SLASH)) {
      if (end === path.length) return void (child.mark = mark);
      at = child;
      start = end + 1;
      continue;
    }
    // The path leaves the edge, or ends, inside it: a node goes in there, above the rest of the edge.
    const common = commonLength(child.label, path.slice(start));
    const rest = child.label.slice(common + 1);
    const parting: Draft = { label: child.label.slice(0, common), children: new Map([[firstSegment(rest), child]]) };
    child.label = rest;
    at.children!.set(segment, parting);
    at = parting;
    start += common + 1;
    if (start > path.length) return void (parting.mark = mark);
  }
}

/** Every marked path below `root`, parents first, into `include` or `exclude` by its mark. */
export function listMarks(root: TrieNode, include: string[], exclude: string[], prefix = ''): void {
  for (const child of root.children?.values() ?? []) {
    const path = pathOf(prefix, child.label);
    if (child.mark !== undefined) (child.mark ? include : exclude).push(path);
    if (child.children) listMarks(child, include, exclude, path);
  }
}

/**
 * Paths by parent path and label, one string per path: a timeline lists a
 * measure's whole restricted set at each of its intervals, and a string made
 * afresh for every path of every listing held most of a long timeline's
 * memory. Bounded: a ledger names few paths, but a ledger is not all there is.
 */
const paths = new Map<string, Map<string, string>>();
let pathsKept = 0;
const PATHS_KEPT = 100_000;

function pathOf(prefix: string, label: string): string {
  if (!prefix) return label;
  let below = paths.get(prefix);
  let path = below?.get(label);
  if (path !== undefined) return path;
  if (++pathsKept > PATHS_KEPT) (paths.clear(), (pathsKept = 1), (below = undefined));
  if (!below) paths.set(prefix, (below = new Map<string, string>()));
  below.set(label, (path = `${prefix}/${label}`));
  return path;
}
