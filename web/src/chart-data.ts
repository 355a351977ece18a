/**
 * The data behind the two-clocks chart, prepared without the DOM (unit-tested
 * in test/web/chart-data.suite.ts): for each record K of the subject, what was
 * in force over valid time as known at K — restricted, partially restricted,
 * exempt or free for a category (or for any category) — and where record K
 * changed that picture from record K-1.
 *
 * Category sets are marks on paths (src/domain/categories.ts): a category is
 * in a set when its deepest marked ancestor-or-self is included.
 */
export type ClockStatus = 'restricted' | 'partially restricted' | 'exempt' | 'free';

export const STATUSES: ClockStatus[] = ['restricted', 'partially restricted', 'exempt', 'free'];

/** A category set as every answer gives it: the categories, and the subcategories excepted from them. */
export interface CategorySetAnswer {
  categories: string[];
  except: string[];
}

export interface StateAt {
  at: string;
  restricted: CategorySetAnswer;
  exempt: CategorySetAnswer;
}

/** A step of `replay?order=valid`: the state before and after one valid-time instant. */
export interface ValidStep {
  before: StateAt;
  after: StateAt;
}

/** One record of the ledger and the valid-order replay as known at it. */
export interface KnowledgeRow {
  position: string;
  recordedAt: string;
  label: string;
  steps: ValidStep[];
}

/** A stretch of valid time [from, until) with one status, as known at a record; null is open-ended. */
export interface Band {
  row: number;
  position: string;
  label: string;
  from: number | null;
  until: number | null;
  status: ClockStatus;
}

const isAtOrBelow = (path: string, ancestor: string) =>
  path === ancestor || (path.startsWith(ancestor) && path[ancestor.length] === '/');
const isStrictlyBelow = (path: string, ancestor: string) => path !== ancestor && isAtOrBelow(path, ancestor);

/** Whether a category is wholly in a set, partly (something below it differs), or not at all. */
export function membership(set: CategorySetAnswer, category: string): 'all' | 'part' | 'none' {
  const marks = [
    ...set.categories.map((path) => ({ path, in: true })),
    ...set.except.map((path) => ({ path, in: false })),
  ];
  const governing = marks.filter((m) => isAtOrBelow(category, m.path)).sort((a, b) => b.path.length - a.path.length)[0];
  const inside = governing?.in ?? false;
  const differsBelow = marks.some((m) => isStrictlyBelow(m.path, category) && m.in !== inside);
  if (differsBelow) return 'part';
  return inside ? 'all' : 'none';
}

const isEmpty = (set: CategorySetAnswer) => set.categories.length === 0;

/** The status of a category in a state; without a category, of the subject as a whole. */
export function statusOf(state: Pick<StateAt, 'restricted' | 'exempt'>, category?: string): ClockStatus {
  if (!category) {
    if (isEmpty(state.restricted)) return isEmpty(state.exempt) ? 'free' : 'exempt';
    return state.restricted.except.length || !isEmpty(state.exempt) ? 'partially restricted' : 'restricted';
  }
  const restricted = membership(state.restricted, category);
  if (restricted === 'all') return 'restricted';
  if (restricted === 'part') return 'partially restricted';
  return membership(state.exempt, category) === 'none' ? 'free' : 'exempt';
}

/** What one row says over valid time, adjacent stretches of one status merged. */
export function rowBands(row: KnowledgeRow, index: number, category?: string): Band[] {
  const bands: Band[] = [];
  const push = (from: number | null, status: ClockStatus) => {
    const last = bands[bands.length - 1];
    if (last && last.status === status) return;
    if (last) last.until = from;
    bands.push({ row: index, position: row.position, label: row.label, from, until: null, status });
  };
  const steps = [...row.steps].sort((a, b) => Date.parse(a.after.at) - Date.parse(b.after.at));
  push(null, steps[0] ? statusOf(steps[0].before, category) : 'free');
  for (const step of steps) push(Date.parse(step.after.at), statusOf(step.after, category));
  return bands;
}

export function allBands(rows: KnowledgeRow[], category?: string): Band[] {
  return rows.flatMap((row, index) => rowBands(row, index, category));
}

/** The status a row's bands give at a valid time. */
export function statusAt(bands: Band[], t: number): ClockStatus {
  return bands.find((b) => (b.from === null || b.from <= t) && (b.until === null || t < b.until))?.status ?? 'free';
}

/**
 * Where each record changed what was known: the stretches of valid time whose
 * status as known at row K differs from row K-1 (for the first row, from
 * "free", since nothing was known before it). A late correction or a
 * retraction shows up here, on its own row.
 */
export function changedSpans(rows: KnowledgeRow[], category?: string): Band[] {
  const perRow = rows.map((row, index) => rowBands(row, index, category));
  const spans: Band[] = [];
  perRow.forEach((bands, index) => {
    const previous = index === 0 ? [] : perRow[index - 1]!;
    const cuts = [
      ...new Set([...bands, ...previous].flatMap((b) => [b.from, b.until]).filter((c): c is number => c !== null)),
    ].sort((a, b) => a - b);
    const edges: (number | null)[] = [null, ...cuts, null];
    for (let i = 0; i + 1 < edges.length; i++) {
      const from = edges[i]!;
      const until = edges[i + 1]!;
      const probe = from === null ? (until === null ? 0 : until - 1) : from;
      const now = statusAt(bands, probe);
      if (now === (index === 0 ? 'free' : statusAt(previous, probe))) continue;
      const last = spans[spans.length - 1];
      if (last && last.row === index && last.until === from && last.status === now) last.until = until;
      else
        spans.push({
          row: index,
          position: rows[index]!.position,
          label: rows[index]!.label,
          from,
          until,
          status: now,
        });
    }
  });
  return spans;
}

const DAY = 86_400_000;

/** The valid-time range to draw: every finite instant and the selected one, with a margin; open ends are drawn to its edges. */
export function validDomain(bands: Band[], selected?: number): [number, number] {
  const instants = bands.flatMap((b) => [b.from, b.until]).filter((t): t is number => t !== null);
  if (selected !== undefined && Number.isFinite(selected)) instants.push(selected);
  if (!instants.length) {
    const now = Date.now();
    return [now - 365 * DAY, now + 30 * DAY];
  }
  const low = Math.min(...instants);
  const high = Math.max(...instants);
  const margin = Math.max((high - low) * 0.08, 30 * DAY);
  return [low - margin, high + margin];
}

/** Bands clipped to the drawn range, open ends closed at its edges. */
export function clipped(bands: Band[], [low, high]: [number, number]): (Band & { x1: Date; x2: Date })[] {
  return bands
    .map((b) => ({ ...b, x1: new Date(Math.max(b.from ?? low, low)), x2: new Date(Math.min(b.until ?? high, high)) }))
    .filter((b) => b.x2 > b.x1);
}
