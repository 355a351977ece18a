/**
 * What one measure contributes to one subject at a valid time (restricted
 * categories, exempt categories, pending announcements), and what it would
 * contribute had one of its standing events never been recorded.
 *
 * The counterfactual is what credits a change to the events that cause it.
 * Leaving one event out touches only the part of the measure it bears on
 * (membership, scope, in-force window, one exemption id, announcements), so
 * the other parts are read from the measure's cached timelines and only that
 * part is folded again: a cause check costs about the size of that part, not
 * a fresh resolution of the measure.
 */
import { CategorySet, type CategorySetBuilder } from '../src/domain/categories.js';
import type { ExemptionAt } from '../src/domain/exemption-steps.js';
import { enactsOf, exemptionIdOf, type StandingFact } from '../src/domain/facts.js';
import { MeasureHistory } from '../src/domain/measure-history.js';
import { applyScopeChangeTo, isScopeChange, type ScopeChange } from '../src/domain/scope-change.js';
import type { ImposeRestrictionPayload } from '../src/domain/messages.js';
import { AnnouncementFolds } from './announcement-folds.js';
import { ExemptUnion } from './exempt-union.js';
import { GrantFolds, type GrantStanding } from './grant-folds.js';
import { RecentInstants } from './recent-instants.js';
import { byValidTime, insertSorted, lastAtOrBefore, ScopeMemo, some, toMillis } from './valid-time-lists.js';

export type { GrantStanding } from './grant-folds.js';

export interface Contribution {
  restricted: CategorySet;
  exempt: CategorySet;
  /** `<measureId>/<announcementId or "imposition">`. */
  pending: string[];
}

export const NOTHING: Contribution = { restricted: CategorySet.EMPTY, exempt: CategorySet.EMPTY, pending: [] };

/** Types whose events bear on every subject of their measure (membership is the subject's own changes). */
const BEARING_TYPES: ReadonlySet<string> = new Set([
  'RestrictionLifted',
  'ScopeBroadened',
  'ScopeNarrowed',
  'ExemptionGranted',
  'ExemptionAmended',
  'ExemptionRevoked',
  'EasingAnnounced',
  'AnnouncementWithdrawn',
]);

/** Instants whose results are kept (see RecentInstants): a walk's, a cause check's two, and some to spare. */
const INSTANTS_KEPT = 8;
const INSTANTS_KEPT_IN_RECORD_ORDER = 10_000;

export class MeasureContribution {
  /** The imposition as it stands; undefined: no measure (never imposed, or its imposition retracted). */
  private imposed?: StandingFact<'RestrictionImposed'>;
  private readonly subjectChanges: StandingFact<'SubjectsAdded' | 'SubjectsRemoved'>[] = [];
  private readonly changesSubject = new Set<StandingFact>();
  private readonly scopeChanges: ScopeChange[] = [];
  private readonly lifts: StandingFact<'RestrictionLifted'>[] = [];
  private readonly grants = new GrantFolds();
  private readonly announcements = new AnnouncementFolds();
  /**
   * The contribution at the instants asked last, with nothing left out: a walk and its cause checks ask each several
   * times, and compare them by identity (see transitions.ts). Only the last few in valid order (see RecentInstants);
   * many in record order, where a replay asks every measure again at each instant for each record.
   */
  private readonly contributions: RecentInstants<Contribution>;
  /** The restricted set at the instants asked last with nothing left out, and the scope and exemptions it came from. */
  private readonly restrictedByInstant: RecentInstants<{
    scope: CategorySet;
    exempt: CategorySet;
    restricted: CategorySet;
  }>;
  /** The union of the covering exemptions at the instants asked last, from the history's timelines (cached use only). */
  private readonly exemptUnions = new RecentInstants<CategorySet>(INSTANTS_KEPT);
  /**
   * The covering exemptions' unions kept for leaving one out (they take n log n), for the last two instants asked:
   * a cause check asks just before an instant and at it, in turn, for each candidate, and keeping one rebuilt it
   * twice per candidate.
   */
  private leaveOneOut = new Map<number, ExemptUnion>();

  constructor(
    readonly history: MeasureHistory,
    readonly subjectId: string,
    /**
     * Read untouched parts from the measure's cached timelines: worth it when
     * one history answers many instants (valid order); a history asked once or
     * twice (record order, where `add` and `remove` then follow the measure
     * through record time) is cheaper folded directly.
     */
    private readonly cached = true,
    /** Scope folds shared with other resolutions of the same measure (record order). */
    private readonly scopeMemo?: ScopeMemo,
  ) {
    const kept = cached ? INSTANTS_KEPT : INSTANTS_KEPT_IN_RECORD_ORDER;
    this.contributions = new RecentInstants(kept);
    this.restrictedByInstant = new RecentInstants(kept);
    for (const fact of history.facts) this.index(fact, true);
    for (const list of [this.subjectChanges, this.scopeChanges, this.lifts]) list.sort(byValidTime);
    this.grants.sorted();
    this.scopeMemo?.follow(this.imposed, this.scopeChanges);
  }

  /** A standing event joins the measure (uncached use, or within `atReplacing`: the history's timelines do not follow). */
  add(fact: StandingFact): void {
    this.index(fact, false);
    this.scopeMemo?.follow(this.imposed, this.scopeChanges);
  }

  /** A standing event leaves the measure: retracted, or replaced by its correction. */
  remove(fact: StandingFact): void {
    const exemptionId = exemptionIdOf(fact.data);
    this.announcements.remove(fact);
    this.contributions.clear();
    this.restrictedByInstant.clear();
    if (fact === this.imposed) this.imposed = undefined;
    for (const list of [
      this.subjectChanges,
      this.scopeChanges,
      this.lifts,
      ...(exemptionId === undefined ? [] : this.grants.listsOf(exemptionId)),
    ]) {
      const index = list?.indexOf(fact) ?? -1;
      if (index >= 0) list!.splice(index, 1);
    }
    this.changesSubject.delete(fact);
    this.scopeMemo?.follow(this.imposed, this.scopeChanges);
  }

  private index(fact: StandingFact, bulk: boolean): void {
    this.contributions.clear();
    this.restrictedByInstant.clear();
    const into = <F extends StandingFact>(list: F[], fact: F) => (bulk ? list.push(fact) : insertSorted(list, fact));
    if (fact.type === 'RestrictionImposed') this.imposed ??= fact;
    else if (
      (fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved') &&
      fact.data.subjects.includes(this.subjectId)
    )
      (into(this.subjectChanges, fact), this.changesSubject.add(fact));
    else if (isScopeChange(fact)) into(this.scopeChanges, fact);
    else if (fact.type === 'RestrictionLifted') into(this.lifts, fact);
    else this.grants.add(fact, bulk);
    this.announcements.add(fact);
  }

  get measureId(): string {
    return this.history.measureId;
  }

  get exists(): boolean {
    return this.imposed !== undefined;
  }

  private get imposition(): ImposeRestrictionPayload {
    return this.imposed!.data;
  }

  /** The grant an exemption change amends or revokes (acted-on.ts), for crediting it at its instants. */
  grantsOf(fact: StandingFact): StandingFact[] {
    return this.grants.grantsOf(fact);
  }

  /** The measure's contribution for the subject at t, had the standing events in `left` never been recorded. */
  at(t: number, left?: StandingFact | ReadonlySet<StandingFact>): Contribution {
    const skip: ReadonlySet<StandingFact> | undefined =
      left === undefined ? undefined : isStandingFact(left) ? new Set([left]) : left;
    if (!this.imposed || skip?.has(this.imposed)) return NOTHING;
    // Most events of a measure bear on other subjects: leaving one out changes nothing here.
    if (skip && !some(skip, (f) => this.bearsOn(f))) return this.at(t);
    if (!skip) {
      const known = this.contributions.get(t);
      if (known) return known;
    }
    const contribution = this.compute(t, skip);
    if (!skip) this.contributions.set(t, contribution);
    return contribution;
  }

  /**
   * The contribution at each instant with `standing` in place of `replaced`
   * (a fact as it stood before its latest correction). The parts either
   * version bears on are folded again from the lists, which hold `standing`
   * meanwhile; the others are read from the timelines, so a cached
   * contribution must not be asked this of its imposition, which every part
   * reads (see without-correction.ts).
   */
  atReplacing(instants: readonly number[], replaced: StandingFact, standing: StandingFact): Contribution[] {
    // The lists hold a copy: a fold leaves out the entries of its set by identity, and here neither version is left out.
    const copy = { ...standing };
    const touched = new Set([replaced, standing]);
    this.remove(replaced);
    this.add(copy);
    try {
      // Worked out now: the lists hold `standing` only until this returns.
      return instants.map((t) => (this.imposed ? this.compute(t, touched, true) : NOTHING));
    } finally {
      this.remove(copy);
      this.add(replaced);
    }
  }

  /**
   * Whether leaving the event out could change what the measure contributes
   * to the subject at any time: false for another subject's membership
   * changes, which make most of a long measure's events.
   */
  mayChange(fact: StandingFact): boolean {
    return fact === this.imposed || this.bearsOn(fact);
  }

  /** Whether leaving the event out can change what this measure contributes for the subject (the imposition aside). */
  private bearsOn(fact: StandingFact): boolean {
    return this.changesSubject.has(fact) || BEARING_TYPES.has(fact.type) || enactsOf(fact.data) !== undefined;
  }

  private compute(t: number, skip: ReadonlySet<StandingFact> | undefined, listsSwapped = false): Contribution {
    if (!this.isSubjectAt(t, skip)) return NOTHING;
    const pending = this.pendingAt(t, skip);
    if (!this.inForceAt(t, skip)) return pending.length ? { ...NOTHING, pending } : NOTHING;
    if (skip && this.cached && !listsSwapped) {
      // An event left out: the sets are worked out when read (see CategorySet.whenRead). A cause check keeps the state
      // without each event tried at an instant until it has tried them all, and most of a measure's events can share
      // one (a day on which hundreds of grants and narrowings took effect): kept whole, they held O(events × scope).
      // The lists they fold stay as they are: a cached contribution changes them only within `atReplacing`.
      const exempt = CategorySet.whenRead(() => this.exemptAt(t, skip));
      const restricted = CategorySet.whenRead(() => this.restrictedOf(t, this.scopeAt(t, skip), exempt, skip));
      return { restricted, exempt, pending };
    }
    const scope = this.scopeAt(t, skip);
    // The scope minus each exemption in turn is the scope minus their union: one difference, not one per exemption.
    const exempt = this.exemptAt(t, skip);
    return { restricted: this.restrictedOf(t, scope, exempt, skip), exempt, pending };
  }

  /**
   * The scope less the exemptions. A cause check leaving out an event that
   * changes neither at t gets the difference already worked out for t: a
   * check of equality allocates nothing, where a difference copies both sets.
   */
  private restrictedOf(t: number, scope: CategorySet, exempt: CategorySet, skip?: ReadonlySet<StandingFact>) {
    if (exempt.isEmpty()) return scope;
    const known = this.restrictedByInstant.get(t);
    if (skip && known?.scope === scope && known.exempt.equals(exempt)) return known.restricted;
    const restricted = scope.difference(exempt);
    if (!skip) this.restrictedByInstant.set(t, { scope, exempt, restricted });
    return restricted;
  }

  /** The union of the categories of the exemptions covering the subject at t. */
  private exemptAt(t: number, skip: ReadonlySet<StandingFact> | undefined): CategorySet {
    const ids = this.exemptionIdsIn(skip);
    if (!this.cached) return CategorySet.unionAll(this.coveringExemptions(this.exemptionsAt(t, skip)));
    if (!ids.size) return this.exemptUnionAt(t);
    // Leaving out one exemption id's events: the union of the other covering exemptions (see ExemptUnion: a cause check
    // at an instant hundreds of grants share tries each in turn), plus that id's grants folded again without them.
    const refolded = this.coveringExemptions(this.exemptionsAt(t, skip).filter((e) => ids.has(e.exemptionId)));
    if (ids.size === 1) {
      let union = this.leaveOneOut.get(t);
      if (!union) {
        union = new ExemptUnion(this.coveringExemptions(this.history.exemptionsAt(t), true));
        if (this.leaveOneOut.size >= 2) this.leaveOneOut.delete(this.leaveOneOut.keys().next().value!);
        this.leaveOneOut.set(t, union);
      }
      return CategorySet.unionAll([union.without([...ids][0]!), ...refolded]);
    }
    return CategorySet.unionAll([
      ...this.coveringExemptions(this.history.exemptionsAt(t).filter((e) => !ids.has(e.exemptionId))),
      ...refolded,
    ]);
  }

  /** The covering exemptions' union at t, kept per instant asked. */
  private exemptUnionAt(t: number): CategorySet {
    return this.exemptUnions.get(t) ?? this.exemptUnions.set(t, this.history.exemptUnionAt(t, this.subjectId));
  }

  private coveringExemptions(exemptions: readonly ExemptionAt[]): CategorySet[];
  private coveringExemptions(exemptions: readonly ExemptionAt[], whole: true): ExemptionAt[];
  private coveringExemptions(exemptions: readonly ExemptionAt[], whole?: true): CategorySet[] | ExemptionAt[] {
    const covering = exemptions.filter((e) => MeasureHistory.exemptionCovers(e, this.subjectId));
    return whole ? covering : covering.map((e) => e.categories);
  }

  private exemptionIdsIn(skip: ReadonlySet<StandingFact> | undefined): Set<string> {
    return new Set([...(skip ?? [])].map((f) => exemptionIdOf(f.data)).filter((id): id is string => id !== undefined));
  }

  private isSubjectAt(t: number, skip?: ReadonlySet<StandingFact>): boolean {
    // By its payload too: a version put in place by `atReplacing` is not among the indexed facts.
    const touches = (f: StandingFact) =>
      this.changesSubject.has(f) ||
      ((f.type === 'SubjectsAdded' || f.type === 'SubjectsRemoved') && f.data.subjects.includes(this.subjectId));
    if (this.cached && !some(skip, touches)) return this.history.subjectFactAt(this.subjectId, t) !== undefined;
    let index = lastAtOrBefore(this.subjectChanges, t);
    while (index >= 0 && skip?.has(this.subjectChanges[index]!)) index--;
    if (index < 0) return this.imposition.subjects.includes(this.subjectId);
    return this.subjectChanges[index]!.type === 'SubjectsAdded';
  }

  private inForceAt(t: number, skip?: ReadonlySet<StandingFact>): boolean {
    if (this.cached && !some(skip, (f) => f.type === 'RestrictionLifted')) return this.history.inForceAt(t);
    const imposition = this.imposition;
    const lift = this.lifts.find((f) => !skip?.has(f));
    const untilMs = Math.min(
      imposition.effectiveUntil === undefined ? Infinity : toMillis(imposition.effectiveUntil),
      lift ? lift.fromMs : Infinity,
    );
    return this.imposed!.fromMs <= t && t < untilMs;
  }

  private scopeAt(t: number, skip?: ReadonlySet<StandingFact>): CategorySet {
    const since = Math.min(...[...(skip ?? [])].filter((f) => isScopeChange(f) && f.fromMs <= t).map((f) => f.fromMs));
    const touched = since !== Infinity;
    if (this.cached && !touched) return this.history.scopeCategoriesAt(t);
    // Everything before the left-out change stands; fold again from its instant on.
    if (!touched && this.scopeMemo) return this.scopeMemo.at(t);
    const scope =
      touched && this.cached
        ? this.history.scopeCategoriesAt(since - 1)
        : CategorySet.ofRecorded(this.imposition.categories);
    let folded: CategorySetBuilder | undefined;
    for (const change of this.scopeChanges) {
      if ((touched && this.cached && change.fromMs < since) || skip?.has(change)) continue;
      if (change.fromMs > t) break;
      applyScopeChangeTo((folded ??= scope.builder()), change);
    }
    return folded ? folded.toSet() : scope;
  }

  private exemptionsAt(t: number, skip?: ReadonlySet<StandingFact>): readonly ExemptionAt[] {
    const ids = this.exemptionIdsIn(skip);
    if (this.cached && !ids.size) return this.history.exemptionsAt(t);
    const result = this.cached ? this.history.exemptionsAt(t).filter((e) => !ids.has(e.exemptionId)) : [];
    for (const grants of this.cached ? [...ids].map((id) => this.grants.grantsOfId(id)) : this.grants.allGrants()) {
      for (const grant of grants) {
        if (skip?.has(grant)) continue;
        const exemption = this.grants.foldExemption(grant, t, skip);
        if (exemption) result.push(exemption);
      }
    }
    return result;
  }

  /** Every grant of the measure as it stands at t (window aside), with what revoked it and what set its end, if anything. */
  grantsAt(t: number): GrantStanding[] {
    return this.grants.grantsAt(t);
  }

  /**
   * Nothing of a measure is pending from its first lifting on, nor once past its effectiveUntil: it will not come
   * into force, nor be eased.
   */
  private pendingAt(t: number, skip?: ReadonlySet<StandingFact>): string[] {
    const measureId = this.history.measureId;
    const imposition = this.imposition;
    const pending: string[] = [];
    const lift = this.lifts.find((f) => !skip?.has(f));
    if (lift && lift.fromMs <= t) return pending;
    if (imposition.effectiveUntil !== undefined && toMillis(imposition.effectiveUntil) <= t) return pending;
    if (imposition.announcedAt && toMillis(imposition.announcedAt) <= t && t < this.imposed!.fromMs)
      pending.push(`${measureId}/imposition`);
    return this.announcements.pendingAt(measureId, t, skip, pending);
  }
}

const isStandingFact = (left: StandingFact | ReadonlySet<StandingFact>): left is StandingFact => 'recorded' in left;
