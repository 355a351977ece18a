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

/** One measure as it bears on the subject at T, with what does not depend on the category worked out once. */
class MeasureAtT {
  private covered?: CategorySet;
  private scopeChanges?: ScopeChange[];
  /** Why it does not bear on the subject at all at T; undefined when in force and naming it. */
  readonly standing: Why | undefined;

  constructor(
    readonly history: MeasureHistory,
    private readonly subjectId: string,
    private readonly t: number,
  ) {
    this.standing = this.inForceReason() ?? this.subjectReason();
  }

  /** Whether its scope at T overlaps the category (then it is among the check's measures, not here). */
  bearsOn(category: string): boolean {
    return !this.standing && this.history.scopeCategoriesAt(this.t).overlaps(category);
  }

  /**
   * What its scope covers at some valid time while it is in force and names the subject: the union of its scope
   * at every instant one of these can change (from the imposition on), where it is in force and names the subject.
   */
  everCovered(): CategorySet {
    if (this.covered) return this.covered;
    const history = this.history;
    const start = history.imposed!.fromMs;
    const instants = new Set([start]);
    for (const fact of [...this.subjectChanges(), ...this.changesOfScope()])
      if (fact.fromMs > start) instants.add(fact.fromMs);
    const builder = CategorySet.EMPTY.builder();
    for (const u of [...instants].sort((a, b) => a - b))
      if (history.inForceAt(u) && history.subjectFactAt(this.subjectId, u)) builder.union(history.scopeCategoriesAt(u));
    return (this.covered = builder.toSet());
  }

  /** Why it does not bear on the category at T, where it is in force and names the subject there. */
  scopeReason(category: string): Why | undefined {
    const history = this.history;
    const changes = this.changesOfScope();
    const instants = [...new Set(changes.map((f) => f.fromMs))];
    const at = (u: number, type: ScopeChange['type']) => changes.filter((f) => f.fromMs === u && f.type === type);
    // The last narrowing by T after which the scope no longer overlaps it; else the first broadening after T that
    // brings it in. Instants are whole milliseconds: the scope just before u is the scope at u - 1.
    for (const u of instants.filter((i) => i <= this.t).reverse())
      if (history.scopeCategoriesAt(u - 1).overlaps(category))
        return { reason: 'scope-narrowed', onMs: u, facts: at(u, 'ScopeNarrowed') };
    for (const u of instants.filter((i) => i > this.t))
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
    if (this.history.subjectFactAt(this.subjectId, this.t)) return undefined;
    const changes = this.subjectChanges();
    const last = changes.filter((f) => f.fromMs <= this.t).at(-1);
    if (last?.type === 'SubjectsRemoved') return { reason: 'subject-removed', onMs: last.fromMs, facts: [last] };
    const added = changes.find((f) => f.fromMs > this.t && f.type === 'SubjectsAdded');
    return added && { reason: 'subject-added-later', onMs: added.fromMs, facts: [added] };
  }

  /** The measure's additions and removals of the subject, in valid-time order. */
  private subjectChanges(): SubjectChange[] {
    return this.history.facts
      .filter(isSubjectChange)
      .filter((f) => f.data.subjects.includes(this.subjectId))
      .sort(byValidTimeOrder);
  }

  /** Every scope change of the measure, in valid-time order. */
  private changesOfScope(): ScopeChange[] {
    return (this.scopeChanges ??= this.history.scopeAt(Infinity).basis.filter(isScopeChange));
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
    const unrestricted = CategorySet.of([category]).difference(restricted);
    const answers: NotRestrictingAnswer[] = [];
    for (const measure of candidates) {
      if (!measure.everCovered().intersects(unrestricted)) continue;
      const why = measure.standing ?? measure.scopeReason(category);
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
