/**
 * Why a measure of the subject does not restrict a category at T though it
 * covers it for the subject at some other valid time: what decides a "not"
 * (DOMAIN.md: "The verdict's basis is the events that decide it"). Without
 * it, a category freed by a lifting, an end, a removal or a narrowing was
 * answered with no measure and no basis, as if nothing had ever covered it.
 *
 * A measure is listed when, at T, it does not bear on the category (not in
 * force, not naming the subject, or its scope not overlapping it) and, at some
 * valid time while in force and naming the subject, its scope overlapped the
 * part of the category not restricted at T. Its reason is the first of the
 * conditions of "What a query answers" that fails at T: in force (begins,
 * lifted, ended), then the subject (removed, named only later), then the
 * scope (narrowed, broadened to the category only later).
 */
import { basisOf, type BasisEntry } from '../src/domain/basis.js';
import { CategorySet } from '../src/domain/categories.js';
import type { StandingFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { isScopeChange, type ScopeChange } from '../src/domain/scope-change.js';
import { isSubjectChange, type SubjectChange } from '../src/domain/subject-changes.js';
import { toMillis } from '../src/domain/time.js';
import { byValidTimeOrder } from '../src/domain/valid-time-order.js';

export type NotRestrictingReason =
  /** The measure is in force only from `on`. */
  | 'begins'
  /** Lifted from `on`. */
  | 'lifted'
  /** Its `effectiveUntil`, `on`, has passed. */
  | 'ended'
  /** The subject was removed from it from `on`. */
  | 'subject-removed'
  /** It names the subject only from `on`. */
  | 'subject-added-later'
  /** A narrowing effective `on` left the category out of its scope. */
  | 'scope-narrowed'
  /** A broadening effective `on` first brings the category into its scope. */
  | 'scope-broadened-later';

export const NOT_RESTRICTING_REASONS: NotRestrictingReason[] = [
  'begins',
  'lifted',
  'ended',
  'subject-removed',
  'subject-added-later',
  'scope-narrowed',
  'scope-broadened-later',
];

export interface NotRestrictingAnswer {
  measureId: string;
  title: string;
  citation?: string;
  reason: NotRestrictingReason;
  /** The instant the reason dates from (before or at T: since when; after T: until when). */
  on: string;
  /** The imposition and the events that decide the reason. */
  basis: BasisEntry[];
}

/** A reason with the facts it rests on, before it is answered. */
interface Why {
  reason: NotRestrictingReason;
  onMs: number;
  facts: StandingFact[];
}

/** What a measure's scope changes are, whatever the subject, valid time or category: read once per history. */
interface ScopeSummary {
  /** Every scope change, in valid-time order. */
  changes: ScopeChange[];
  /** Their instants, ascending, once each. */
  instants: number[];
  /** The instants a narrowing takes effect. */
  narrowings: Set<number>;
  /** The imposed and broadened categories: the most its scope ever covers. */
  everNamed: CategorySet;
}

/** A history is never changed (a write makes a new one): its summary is kept as long as it is. */
const summaries = new WeakMap<MeasureHistory, ScopeSummary>();

function scopeSummaryOf(history: MeasureHistory): ScopeSummary {
  let summary = summaries.get(history);
  if (summary) return summary;
  const changes = history.scopeAt(Infinity).basis.filter(isScopeChange);
  summary = {
    changes,
    instants: [...new Set(changes.map((f) => f.fromMs))],
    narrowings: new Set(changes.flatMap((f) => (f.type === 'ScopeNarrowed' ? [f.fromMs] : []))),
    everNamed: CategorySet.unionAll([
      CategorySet.ofRecorded(history.imposed!.data.categories),
      ...changes.flatMap((f) => (f.type === 'ScopeBroadened' ? [CategorySet.ofRecorded(f.data.categories)] : [])),
    ]),
  };
  summaries.set(history, summary);
  return summary;
}

/** One measure as it bears on the subject at T, with what does not depend on the category worked out once. */
class MeasureAtT {
  /** Whether it is in force and names the subject at T (then its scope decides whether it bears on a category). */
  readonly namesAtT: boolean;
  private standingWhy?: { why: Why | undefined };
  private reads?: number[];
  private timeline?: { at: number; names: boolean }[];
  private summary?: ScopeSummary;
  private changesOfSubject?: SubjectChange[];

  constructor(
    readonly history: MeasureHistory,
    private readonly subjectId: string,
    private readonly t: number,
  ) {
    this.namesAtT = history.inForceAt(t) && history.subjectFactAt(subjectId, t) !== undefined;
  }

  /** Read only for a measure that does not bear on a category asked: most checks never need it. */
  private get scope(): ScopeSummary {
    return (this.summary ??= scopeSummaryOf(this.history));
  }

  /** Whether its scope at T overlaps the category (then it is among the check's measures, not here). */
  bearsOn(category: string): boolean {
    return this.namesAtT && this.history.scopeCategoriesAt(this.t).overlaps(category);
  }

  /**
   * Whether its scope overlaps a part of the category (`hits`) at some instant it is in force and names the subject.
   * A scope is only ever made of the imposed and broadened categories: a category none of them overlaps is never hit.
   */
  coversAtSomeTime(category: string, hits: (scope: CategorySet) => boolean): boolean {
    if (!this.scope.everNamed.overlaps(category)) return false;
    return this.instantsToRead().some((u) => hits(this.history.scopeCategoriesAt(u)));
  }

  /**
   * The instants where whether it is in force and names the subject, or its scope, can change (from the imposition
   * on, before its end or lifting), ascending, each with whether it then names the subject: what it covers for the
   * subject is read only at these, and holds until the next.
   */
  private namingTimeline(): { at: number; names: boolean }[] {
    if (this.timeline) return this.timeline;
    const history = this.history;
    const imposed = history.imposed!;
    // In force from the imposition to the earlier of its end and its lifting; instants outside hold nothing.
    const lift = history.liftedBy(Infinity);
    const end = Math.min(
      imposed.data.effectiveUntil === undefined ? Infinity : toMillis(imposed.data.effectiveUntil),
      lift ? lift.fromMs : Infinity,
    );
    const subjectChanges = this.subjectChanges();
    const instants = new Set([imposed.fromMs]);
    for (const u of [...subjectChanges.map((f) => f.fromMs), ...this.scope.instants])
      if (u > imposed.fromMs && u < end) instants.add(u);
    const sorted = [...instants].sort((a, b) => a - b);
    // Whether it names the subject at each instant, walking its changes alongside (ties: the last recorded decides).
    this.timeline = [];
    let next = 0;
    let named = history.subjectFactAt(this.subjectId, -Infinity) !== undefined;
    for (const u of sorted) {
      for (; next < subjectChanges.length && subjectChanges[next]!.fromMs <= u; next++)
        named = subjectChanges[next]!.type === 'SubjectsAdded';
      this.timeline.push({ at: u, names: named && u < end });
    }
    return this.timeline;
  }

  /**
   * The instants whose scope, read, tells what it covers while in force and naming the subject: of the naming
   * timeline's instants, each where it names it and no later one naming it has a scope that holds this one's. The
   * scope only grows up to a later instant unless a narrowing takes effect in between: a measure broadened a thousand
   * times is read once, not a thousand times.
   */
  private instantsToRead(): number[] {
    if (this.reads) return this.reads;
    const timeline = this.namingTimeline();
    this.reads = [];
    let heldLater = false;
    for (let i = timeline.length - 1; i >= 0; i--) {
      const { at, names } = timeline[i]!;
      if (names && !heldLater) this.reads.push(at);
      heldLater = (heldLater || names) && !this.scope.narrowings.has(at);
    }
    return this.reads;
  }

  /** Why it does not bear on the category at T: the first condition of a restriction that fails there. */
  why(category: string, free: CategorySet): Why | undefined {
    if (!this.namesAtT) return (this.standingWhy ??= { why: this.inForceReason() ?? this.subjectReason() }).why;
    return this.scopeReason(free);
  }

  /**
   * Where it is in force and names the subject at T, why its scope does not overlap the free part of the category
   * (what is not restricted at T). Scope changes count only for what the measure covers while in force and naming
   * the subject: the last narrowing by T that took out of its scope some of the free part it had covered before;
   * else the first instant after T it covers some of the free part, with the broadenings since T that brought it in.
   */
  private scopeReason(free: CategorySet): Why | undefined {
    const history = this.history;
    const { changes, narrowings } = this.scope;
    const timeline = this.namingTimeline();
    // The free part it covered before each narrowing, read along the timeline (each instant holds until the next).
    let coveredBefore = CategorySet.EMPTY;
    let read = 0;
    let narrowed: { at: number; removed: CategorySet } | undefined;
    for (const u of [...narrowings].filter((u) => u <= this.t).sort((a, b) => a - b)) {
      for (; read < timeline.length && timeline[read]!.at < u; read++)
        if (timeline[read]!.names)
          coveredBefore = coveredBefore.union(history.scopeCategoriesAt(timeline[read]!.at).intersection(free));
      // Instants are whole milliseconds: the scope just before u is the scope at u - 1.
      const removed = history
        .scopeCategoriesAt(u - 1)
        .difference(history.scopeCategoriesAt(u))
        .intersection(coveredBefore);
      if (!removed.isEmpty()) narrowed = { at: u, removed };
    }
    if (narrowed) {
      const { at, removed } = narrowed;
      const facts = changes.filter((f) => f.fromMs === at && f.type === 'ScopeNarrowed' && leavesOut(f, removed));
      return { reason: 'scope-narrowed', onMs: at, facts };
    }
    for (const { at, names } of timeline) {
      if (at <= this.t || !names) continue;
      const reached = history.scopeCategoriesAt(at).intersection(free);
      if (reached.isEmpty()) continue;
      const facts = changes.filter(
        (f) =>
          f.type === 'ScopeBroadened' &&
          f.fromMs > this.t &&
          f.fromMs <= at &&
          CategorySet.ofRecorded(f.data.categories).intersects(reached),
      );
      return { reason: 'scope-broadened-later', onMs: at, facts };
    }
    return undefined;
  }

  private inForceReason(): Why | undefined {
    const history = this.history;
    if (history.inForceAt(this.t)) return undefined;
    const imposed = history.imposed!;
    if (this.t < imposed.fromMs) return { reason: 'begins', onMs: imposed.fromMs, facts: [] };
    const until = imposed.data.effectiveUntil === undefined ? Infinity : toMillis(imposed.data.effectiveUntil);
    // The earlier of the two ends the measure; a lifting at its very end is named, being the act that ends it.
    const lift = history.liftedBy(this.t);
    if (lift && lift.fromMs <= until) return { reason: 'lifted', onMs: lift.fromMs, facts: [lift] };
    return { reason: 'ended', onMs: until, facts: [] };
  }

  private subjectReason(): Why | undefined {
    const changes = this.subjectChanges();
    const last = changes.filter((f) => f.fromMs <= this.t).at(-1);
    if (last?.type === 'SubjectsRemoved') return { reason: 'subject-removed', onMs: last.fromMs, facts: [last] };
    const added = changes.find((f) => f.fromMs > this.t && f.type === 'SubjectsAdded');
    return added && { reason: 'subject-added-later', onMs: added.fromMs, facts: [added] };
  }

  /** The measure's additions and removals of the subject, in valid-time order. */
  private subjectChanges(): SubjectChange[] {
    if (this.changesOfSubject) return this.changesOfSubject;
    const changes: SubjectChange[] = [];
    for (const fact of this.history.facts)
      if (isSubjectChange(fact) && fact.data.subjects.includes(this.subjectId)) changes.push(fact);
    return (this.changesOfSubject = changes.sort(byValidTimeOrder));
  }
}

/**
 * The measures of the subject (each with a standing imposition) that do not restrict a category at T, for the
 * categories of one check context: what does not depend on the category is worked out once per measure.
 */
export function notRestrictingAt(histories: readonly MeasureHistory[], subjectId: string, t: number) {
  const measures = histories.filter((h) => h.imposed).map((h) => new MeasureAtT(h, subjectId, t));
  return (category: string, restricted: CategorySet): NotRestrictingAnswer[] => {
    const candidates = measures.filter((m) => !m.bearsOn(category));
    if (!candidates.length || restricted.covers(category)) return [];
    // The part of the category not restricted at T: the whole of it, unless something under it is restricted.
    const free = restricted.overlaps(category)
      ? CategorySet.of([category]).difference(restricted)
      : CategorySet.of([category]);
    const hits = (scope: CategorySet) => scope.intersects(free);
    const answers: NotRestrictingAnswer[] = [];
    for (const measure of candidates) {
      if (!measure.coversAtSomeTime(category, hits)) continue;
      const why = measure.why(category, free);
      if (why) answers.push(answerOf(measure.history, why));
    }
    return answers;
  };
}

/** Whether a narrowing, applied alone, takes some of the categories out of a scope holding them. */
function leavesOut(narrowing: ScopeChange, categories: CategorySet): boolean {
  if (narrowing.type !== 'ScopeNarrowed') return false;
  const { narrowTo, remove } = narrowing.data;
  if (remove?.length && categories.intersects(CategorySet.ofRecorded(remove))) return true;
  return !!narrowTo?.length && !categories.difference(CategorySet.ofRecorded(narrowTo)).isEmpty();
}

function answerOf(history: MeasureHistory, why: Why): NotRestrictingAnswer {
  const imposition = history.imposition!;
  return {
    measureId: history.measureId,
    title: imposition.title,
    ...(imposition.citation ? { citation: imposition.citation } : {}),
    reason: why.reason,
    on: new Date(why.onMs).toISOString(),
    basis: basisOf([history.imposed!, ...why.facts]),
  };
}
