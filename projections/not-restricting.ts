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
   * The instants whose scope, read, tells what it covers while in force and naming the subject: of the instants
   * where one of these can change (from the imposition on), each where it holds and no later one holding it has a
   * scope that holds this one's. The scope only grows up to a later instant unless a narrowing takes effect in
   * between: a measure broadened a thousand times is read once, not a thousand times.
   */
  private instantsToRead(): number[] {
    if (this.reads) return this.reads;
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
    const names: boolean[] = [];
    let next = 0;
    let named = history.subjectFactAt(this.subjectId, -Infinity) !== undefined;
    for (const u of sorted) {
      for (; next < subjectChanges.length && subjectChanges[next]!.fromMs <= u; next++)
        named = subjectChanges[next]!.type === 'SubjectsAdded';
      names.push(named && u < end);
    }
    this.reads = [];
    let heldLater = false;
    for (let i = sorted.length - 1; i >= 0; i--) {
      const u = sorted[i]!;
      if (names[i] && !heldLater) this.reads.push(u);
      heldLater = (heldLater || names[i]!) && !this.scope.narrowings.has(u);
    }
    return this.reads;
  }

  /** Why it does not bear on the category at T: the first condition of a restriction that fails there. */
  why(category: string): Why | undefined {
    if (!this.namesAtT) return (this.standingWhy ??= { why: this.inForceReason() ?? this.subjectReason() }).why;
    return this.scopeReason(category);
  }

  /** Where it is in force and names the subject at T, why its scope does not overlap the category. */
  private scopeReason(category: string): Why | undefined {
    const history = this.history;
    const { changes, instants } = this.scope;
    const at = (u: number, type: ScopeChange['type']) => changes.filter((f) => f.fromMs === u && f.type === type);
    // The last narrowing by T after which the scope no longer overlaps it; else the first broadening after T that
    // brings it in. Instants are whole milliseconds: the scope just before u is the scope at u - 1.
    let first = instants.findIndex((i) => i > this.t);
    if (first === -1) first = instants.length;
    for (let i = first - 1; i >= 0; i--)
      if (history.scopeCategoriesAt(instants[i]! - 1).overlaps(category))
        return { reason: 'scope-narrowed', onMs: instants[i]!, facts: at(instants[i]!, 'ScopeNarrowed') };
    for (const u of instants.slice(first))
      if (history.scopeCategoriesAt(u).overlaps(category))
        return { reason: 'scope-broadened-later', onMs: u, facts: at(u, 'ScopeBroadened') };
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
    let hits = (scope: CategorySet) => scope.overlaps(category);
    if (restricted.overlaps(category)) {
      const unrestricted = CategorySet.of([category]).difference(restricted);
      hits = (scope) => scope.intersects(unrestricted);
    }
    const answers: NotRestrictingAnswer[] = [];
    for (const measure of candidates) {
      if (!measure.coversAtSomeTime(category, hits)) continue;
      const why = measure.why(category);
      if (why) answers.push(answerOf(measure.history, why));
    }
    return answers;
  };
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
