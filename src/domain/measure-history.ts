/**
 * A measure's history as known from a set of recorded events, and what it says
 * at any valid time. Record time is settled first (`resolveMeasure` drops
 * retracted events and applies corrections); valid time is then evaluated by
 * the `…At(t)` methods. Both the decider and the projections read measures
 * through this one module, so the rules of DOMAIN.md "What a query answers"
 * live in one place.
 */
import { actedOn, isExemptionChange, type ActedOn } from './acted-on.js';
import { announcementWindows, type AnnouncementAt, type AnnouncementWindow } from './announcements.js';
import { CategorySet } from './categories.js';
import {
  exemptionStep,
  grantedExemption,
  amended,
  exemptionCovers,
  type ExemptionAt,
  type ExemptionStep,
} from './exemption-steps.js';
import { FactLists } from './fact-lists.js';
import { enactsOf, type RecordedFact, type StandingFact } from './facts.js';
import type { ImposeRestrictionPayload } from './messages.js';
import { isScopeChange } from './scope-change.js';
import { ScopeFolds } from './scope-folds.js';
import { isSubjectChange, SubjectChanges } from './subject-changes.js';
import { toMillis } from './time.js';
import { stepAt } from './valid-time-order.js';

interface ExemptionsAtInstant {
  exemptions: readonly ExemptionAt[];
  /** Whether no exemption names subjects: then the union and restricted set below hold for every subject. */
  forEverySubject?: boolean;
  union?: CategorySet;
  restricted?: CategorySet;
}

const INSTANTS_KEPT = 4;

/** An imposition's subjects as a set, made once per fact and shared by every version of the history. */
const subjectSets = new WeakMap<StandingFact<'RestrictionImposed'>, Set<string>>();
function imposedSubjects(imposed: StandingFact<'RestrictionImposed'>): Set<string> {
  let subjects = subjectSets.get(imposed);
  if (!subjects) subjectSets.set(imposed, (subjects = new Set(imposed.data.subjects)));
  return subjects;
}

export class MeasureHistory {
  readonly imposed?: StandingFact<'RestrictionImposed'>;
  private readonly lists: FactLists;
  private subjectChanges?: SubjectChanges;
  /** The scope at each scope change (scope-folds.ts). */
  private scopeFoldsKept?: ScopeFolds;
  private exemptionSteps?: Map<string, ExemptionStep[]>;
  private announcements?: AnnouncementWindow[];
  /** What each amendment, revocation, withdrawal and enactment acts on (see acted-on.ts). */
  private actedOnIndex?: ActedOn;
  /**
   * The exemptions at the last few instants asked, and what is worked out from
   * them for every subject. More than one: a feed asks about each subject just
   * before an instant and at it, in turn.
   */
  private exemptionsByInstant = new Map<number, ExemptionsAtInstant>();
  private window?: { fromMs: number; untilMs: number; lift?: StandingFact<'RestrictionLifted'> };

  /** The first `recordedLength` of these are the history's recorded events (the list may be a longer one, shared). */
  private readonly recordedSource: RecordedFact[];
  private recordedCopy?: RecordedFact[];

  constructor(
    readonly measureId: string,
    recorded: RecordedFact[],
    /** Ids of events retracted by a standing retraction. */
    readonly retracted: ReadonlySet<string>,
    /** The standing facts in record order; or, extending a history, the facts added to its own. */
    facts: StandingFact[],
    /** Recorded events that cannot be read and are not retracted: set aside, not standing. */
    readonly setAside: RecordedFact[] = [],
    /** A history these facts extend by facts that amend nothing: its indexes are carried over (see `extendMeasure`). */
    extending?: MeasureHistory,
    private readonly recordedLength = recorded.length,
  ) {
    this.recordedSource = recorded;
    if (extending) {
      this.lists = extending.lists.extendedBy(facts);
      this.imposed = extending.imposed ?? facts.find((f) => f.type === 'RestrictionImposed');
      this.carryIndexes(extending, facts);
    } else {
      this.lists = FactLists.of(facts);
      this.imposed = facts.find((f) => f.type === 'RestrictionImposed');
    }
  }

  /** Every recorded event of the measure, retracted or not, in record order. */
  get recorded(): RecordedFact[] {
    if (this.recordedLength === this.recordedSource.length) return this.recordedSource;
    return (this.recordedCopy ??= this.recordedSource.slice(0, this.recordedLength));
  }

  /** Standing facts other than retractions and corrections, in record order. */
  get facts(): StandingFact[] {
    return this.lists.inRecordOrder();
  }

  /** Facts with a valid time of their own, in valid-time order. */
  private get byValidTime(): StandingFact[] {
    return this.lists.inValidTimeOrder();
  }

  /**
   * Takes over what `before` worked out, updated for facts added to it: each
   * index a new fact bears on is updated (copied, never changed in place, for
   * `before` still answers), the others shared. Rebuilding them per version
   * made every read after a write cost the whole measure.
   */
  private carryIndexes(before: MeasureHistory, added: StandingFact[]): void {
    if (this.imposed !== before.imposed) return;
    if (before.subjectChanges) this.subjectChanges = before.subjectChanges.with(added.filter(isSubjectChange));
    if (before.scopeFoldsKept) this.scopeFoldsKept = before.scopeFoldsKept.extendedBy(added.filter(isScopeChange));
    if (before.exemptionSteps) {
      // A grant added acts on nothing recorded before it (acted-on.ts): only added changes call for building again.
      const grants = added.filter((f) => f.type === 'ExemptionGranted');
      if (!added.some(isExemptionChange)) {
        this.exemptionSteps = grants.length ? new Map(before.exemptionSteps) : before.exemptionSteps;
        for (const fact of grants)
          this.exemptionSteps.set(fact.recorded.eventId, [exemptionStep(-Infinity, grantedExemption(fact))]);
      }
    }
    const announcing = added.some(
      (f) => f.type === 'EasingAnnounced' || f.type === 'AnnouncementWithdrawn' || enactsOf(f.data) !== undefined,
    );
    if (!announcing) this.announcements = before.announcements;
    if (!added.some((f) => f.type === 'RestrictionLifted')) this.window = before.window;
  }

  get exists(): boolean {
    return this.imposed !== undefined;
  }

  get imposition(): ImposeRestrictionPayload | undefined {
    return this.imposed?.data;
  }

  /** Whether the measure is imposed, not lifted and not expired at t. */
  inForceAt(t: number): boolean {
    const window = this.inForceWindow();
    return window !== undefined && window.fromMs <= t && t < window.untilMs;
  }

  /** The earliest lifting in valid time, if it is effective by t. */
  liftedBy(t: number): StandingFact<'RestrictionLifted'> | undefined {
    const lift = this.inForceWindow()?.lift;
    return lift && lift.fromMs <= t ? lift : undefined;
  }

  /** From the imposition's effectiveFrom to the earlier of its effectiveUntil and the first lifting. */
  private inForceWindow(): { fromMs: number; untilMs: number; lift?: StandingFact<'RestrictionLifted'> } | undefined {
    if (!this.imposed) return undefined;
    if (!this.window) {
      const imposition = this.imposition!;
      const lift = this.byValidTime.find((f) => f.type === 'RestrictionLifted');
      const untilMs = Math.min(
        imposition.effectiveUntil === undefined ? Infinity : toMillis(imposition.effectiveUntil),
        lift ? lift.fromMs : Infinity,
      );
      this.window = { fromMs: this.imposed.fromMs, untilMs, ...(lift ? { lift } : {}) };
    }
    return this.window;
  }

  /** The measure's subjects at t, each with the fact that made it one. */
  subjectsAt(t: number): Map<string, StandingFact[]> {
    const subjects = new Map<string, StandingFact[]>();
    for (const subject of this.mentionedSubjects()) {
      const fact = this.subjectFactAt(subject, t);
      if (fact) subjects.set(subject, [fact]);
    }
    return subjects;
  }

  /** The fact that makes the subject one of the measure's at t (its imposition or latest addition), if it is one. */
  subjectFactAt(subject: string, t: number): StandingFact | undefined {
    if (!this.imposed) return undefined;
    // The last change in effect by t decides (the list is in valid-time order): found by halving, as a subject added
    // and removed thousands of times is asked about at each of its instants.
    const changes = this.changesBySubject().of(subject);
    let low = 0;
    let high = changes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (changes[mid]!.fromMs <= t) low = mid + 1;
      else high = mid;
    }
    if (low === 0) return imposedSubjects(this.imposed).has(subject) ? this.imposed : undefined;
    const last = changes[low - 1]!;
    return last.type === 'SubjectsAdded' ? last : undefined;
  }

  /** Every subject the measure's standing facts name (whatever the valid time). */
  mentionedSubjects(): Set<string> {
    const subjects = new Set(this.imposition?.subjects ?? []);
    for (const subject of this.changesBySubject().subjects()) subjects.add(subject);
    return subjects;
  }

  private changesBySubject(): SubjectChanges {
    return (this.subjectChanges ??= SubjectChanges.of(this.byValidTime));
  }

  /** The scope at t: the imposed categories with broadenings and narrowings effective by t applied. */
  scopeAt(t: number): { categories: CategorySet; basis: StandingFact[] } {
    if (!this.imposed) return { categories: CategorySet.EMPTY, basis: [] };
    const folds = this.scopeFolds(this.imposed);
    const index = folds.indexAt(t);
    const imposed = this.imposed;
    // The basis only when asked: a timeline reads the scope at every instant, the basis of few.
    return {
      categories: folds.after(index),
      get basis() {
        return [imposed, ...folds.changes.slice(0, index + 1)];
      },
    };
  }

  /** The scope's categories at t, without its basis: the feeds ask this for every subject at every change. */
  scopeCategoriesAt(t: number): CategorySet {
    if (!this.imposed) return CategorySet.EMPTY;
    const folds = this.scopeFolds(this.imposed);
    return folds.after(folds.indexAt(t));
  }

  private scopeFolds(imposed: StandingFact<'RestrictionImposed'>): ScopeFolds {
    return (this.scopeFoldsKept ??= new ScopeFolds(imposed, this.byValidTime.filter(isScopeChange)));
  }

  /** Exemptions inside their window and not revoked at t, with amendments effective by t applied. */
  exemptionsAt(t: number): readonly ExemptionAt[] {
    const kept = this.exemptionsByInstant.get(t);
    if (kept) return kept.exemptions;
    const result: ExemptionAt[] = [];
    for (const steps of this.exemptionTimelines().values()) {
      const step = stepAt(steps, t);
      if (step?.exemption && step.windowFromMs <= t && t < step.windowUntilMs) result.push(step.exemption);
    }
    if (this.exemptionsByInstant.size >= INSTANTS_KEPT)
      this.exemptionsByInstant.delete(this.exemptionsByInstant.keys().next().value!);
    this.exemptionsByInstant.set(t, { exemptions: result });
    return result;
  }

  /**
   * The union of the categories of the exemptions covering the subject at t.
   * Where none of them names subjects it is the same for every subject, and
   * worked out once for the instant: a feed evaluates every subject of a
   * measure at one instant in turn.
   */
  exemptUnionAt(t: number, subjectId: string): CategorySet {
    const exemptions = this.exemptionsAt(t);
    const last = this.exemptionsByInstant.get(t)!;
    last.forEverySubject ??= exemptions.every((e) => !e.subjects && !e.added.size && !e.removed.size);
    if (last.forEverySubject) return (last.union ??= CategorySet.unionAll(exemptions.map((e) => e.categories)));
    return CategorySet.unionAll(exemptions.filter((e) => exemptionCovers(e, subjectId)).map((e) => e.categories));
  }

  /**
   * The scope at t less the exemptions covering the subject: what the measure
   * restricts for it while in force and naming it (the caller checks both).
   */
  restrictedAt(t: number, subjectId: string): CategorySet {
    const scope = this.scopeCategoriesAt(t);
    const exempt = this.exemptUnionAt(t, subjectId);
    if (exempt.isEmpty()) return scope;
    const last = this.exemptionsByInstant.get(t)!;
    if (!last.forEverySubject) return scope.difference(exempt);
    return (last.restricted ??= scope.difference(exempt));
  }

  /**
   * Each grant's successive states in valid time: granted, then amended or
   * revoked (undefined) by each change acting on it (acted-on.ts), in
   * valid-time order. Keyed by the grant's event: an exemption id given again
   * after its grant was retracted has a grant of its own, untouched by what
   * acted on the retracted one. Computed once.
   */
  private exemptionTimelines(): Map<string, ExemptionStep[]> {
    if (this.exemptionSteps) return this.exemptionSteps;
    this.exemptionSteps = new Map();
    for (const fact of this.facts) {
      if (fact.type === 'ExemptionGranted')
        this.exemptionSteps.set(fact.recorded.eventId, [exemptionStep(-Infinity, grantedExemption(fact))]);
    }
    const { grantOf } = this.actedOn();
    for (const fact of this.byValidTime) {
      if (!isExemptionChange(fact)) continue;
      const grant = grantOf.get(fact);
      const steps = grant && this.exemptionSteps.get(grant.recorded.eventId);
      const current = steps?.at(-1)?.exemption;
      if (steps && current)
        steps.push(exemptionStep(fact.fromMs, fact.type === 'ExemptionRevoked' ? undefined : amended(current, fact)));
    }
    return this.exemptionSteps;
  }

  private actedOn(): ActedOn {
    return (this.actedOnIndex ??= actedOn(this.facts));
  }

  /** The grant a standing amendment or revocation acts on, if any. */
  grantActedOnBy(fact: StandingFact): StandingFact<'ExemptionGranted'> | undefined {
    return this.actedOn().grantOf.get(fact);
  }

  /** The announcement a standing withdrawal or enactment closes, if any. */
  announcementClosedBy(fact: StandingFact): StandingFact<'EasingAnnounced'> | undefined {
    return this.actedOn().announcementOf.get(fact);
  }

  /**
   * Since when the exemption of a grant has held for the subject without a
   * break up to t: its window as amended at each time, its subjects, its
   * revocation. Later than the grant's start where it lapsed in between (a
   * licence that ended and was extended days later): an answer that gave the
   * grant's start would say it held through the lapse. Undefined when it does
   * not hold at t.
   */
  exemptionHeldSince(grantEventId: string, subject: string, t: number): number | undefined {
    const steps = this.exemptionTimelines().get(grantEventId);
    if (!steps) return undefined;
    const holds = (u: number) => {
      const step = stepAt(steps, u);
      return (
        !!step?.exemption &&
        step.windowFromMs <= u &&
        u < step.windowUntilMs &&
        exemptionCovers(step.exemption, subject)
      );
    };
    if (!holds(t)) return undefined;
    // What holds changes only where a step begins or a window opens or closes: walk those back from t.
    const points = new Set<number>();
    for (const step of steps)
      for (const point of [step.fromMs, step.windowFromMs, step.windowUntilMs])
        if (Number.isFinite(point) && point <= t) points.add(point);
    for (const point of [...points].sort((a, b) => b - a)) if (!holds(point - 1)) return point;
    return -Infinity;
  }

  /** Whether an exemption (as it stands at t) covers a subject of the measure at t. */
  static exemptionCovers(exemption: ExemptionAt, subject: string): boolean {
    return exemptionCovers(exemption, subject);
  }

  /**
   * Whether the measure has ended by t: lifted, or past its effectiveUntil. An imposition lifted before it takes effect
   * has ended from the lifting on.
   */
  endedBy(t: number): boolean {
    const window = this.inForceWindow();
    return window !== undefined && window.untilMs <= t;
  }

  /**
   * Announcements made by t, not enacted by an event effective by t, not withdrawn by t, of a measure not ended by t
   * (lifted or expired): an ended measure has nothing left to ease.
   */
  pendingAt(t: number): AnnouncementAt[] {
    if (this.endedBy(t)) return [];
    return this.announcementWindows()
      .filter((a) => a.fromMs <= t && t < a.untilMs)
      .map((a) => a.announcement);
  }

  /** Whether the imposition is announced by t and not yet in force, and the measure has not ended by t. */
  impositionPendingAt(t: number): boolean {
    const imposition = this.imposition;
    if (!imposition?.announcedAt || this.endedBy(t)) return false;
    return toMillis(imposition.announcedAt) <= t && t < toMillis(imposition.effectiveFrom);
  }

  /** Each announcement with the valid-time window in which it is pending. Computed once. */
  private announcementWindows(): AnnouncementWindow[] {
    return (this.announcements ??= announcementWindows(this.facts, this.actedOn().announcementOf));
  }

  // Record-time facts: what the ledger holds now, whatever the valid time. A command recorded now acts on the latest
  // standing grant or announcement of its id (acted-on.ts).

  granted(exemptionId: string): StandingFact<'ExemptionGranted'> | undefined {
    return this.actedOn().latestGrant.get(exemptionId);
  }

  /** Whether a standing revocation acts on the grant of the id a command recorded now would act on. */
  isRevoked(exemptionId: string): boolean {
    const grant = this.granted(exemptionId);
    return grant !== undefined && this.actedOn().ended.has(grant);
  }

  announced(announcementId: string): StandingFact<'EasingAnnounced'> | undefined {
    return this.actedOn().latestAnnouncement.get(announcementId);
  }

  /** An announcement is still pending when no standing event withdraws or enacts it. */
  isPending(announcementId: string): boolean {
    const announcement = this.announced(announcementId);
    return announcement !== undefined && !this.actedOn().ended.has(announcement);
  }

  isLifted(): boolean {
    return this.facts.some((f) => f.type === 'RestrictionLifted');
  }
}
