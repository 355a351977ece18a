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
import { CategorySet } from '../src/domain/categories.js';
import { applyScopeChange, MeasureHistory, type ExemptionAt, type StandingFact } from '../src/domain/measure-history.js';
import type { AmendExemptionPayload, GrantExemptionPayload } from '../src/domain/messages.js';
import { toMillis as parseMillis } from '../src/domain/time.js';

/** Instants repeat across resolutions of one measure: parse each text once. */
const parsed = new Map<string, number>();
function toMillis(instant: string): number {
  let ms = parsed.get(instant);
  if (ms === undefined) {
    if (parsed.size > 100_000) parsed.clear();
    ms = parseMillis(instant);
    parsed.set(instant, ms);
  }
  return ms;
}

export interface Contribution {
  restricted: CategorySet;
  exempt: CategorySet;
  /** `<measureId>/<announcementId or "imposition">`. */
  pending: string[];
}

export interface GrantStanding {
  exemption: ExemptionAt;
  revokedBy?: StandingFact;
  untilSetBy?: StandingFact;
}

export const NOTHING: Contribution = { restricted: CategorySet.EMPTY, exempt: CategorySet.EMPTY, pending: [] };

type Data = Record<string, unknown> & { effectiveFrom?: string; effectiveUntil?: string; enacts?: string; exemptionId?: string; announcementId?: string; subjects?: string[] };
const dataOf = (fact: StandingFact) => fact.data as unknown as Data;
const byValidTime = (a: StandingFact, b: StandingFact) => a.fromMs - b.fromMs || a.order - b.order;
const EXEMPTION_CHANGES = new Set(['ExemptionAmended', 'ExemptionRevoked']);

/** The last index in a list sorted by `fromMs` with `fromMs <= t`, or -1. */
function lastAtOrBefore(list: StandingFact[], t: number): number {
  let low = 0;
  let high = list.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (list[mid]!.fromMs <= t) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

export class MeasureContribution {
  private readonly subjectChanges: StandingFact[];
  private readonly changesSubject: Set<StandingFact>;
  private readonly scopeChanges: StandingFact[];
  private readonly lifts: StandingFact[];
  private readonly grantsById = new Map<string, StandingFact[]>();
  private readonly exemptionChangesById = new Map<string, StandingFact[]>();
  private readonly announcements: StandingFact[];
  /** announcementId → the instants (ms) at which each withdrawal or enactment ends it, with its event. */
  private readonly endings = new Map<string, { ms: number; fact: StandingFact }[]>();

  constructor(
    readonly history: MeasureHistory,
    readonly subjectId: string,
    /**
     * Read untouched parts from the measure's cached timelines: worth it when
     * one history answers many instants (valid order); a history asked once or
     * twice (record order) is cheaper folded directly.
     */
    private readonly cached = true,
    /** Scope folds shared with other resolutions of the same measure (record order). */
    private readonly scopeMemo?: ScopeMemo,
  ) {
    const facts = history.facts;
    const named = (f: StandingFact) => (dataOf(f).subjects ?? []).includes(subjectId);
    this.subjectChanges = facts.filter((f) => (f.recorded.type === 'SubjectsAdded' || f.recorded.type === 'SubjectsRemoved') && named(f)).sort(byValidTime);
    this.changesSubject = new Set(this.subjectChanges);
    this.scopeChanges = facts.filter((f) => f.recorded.type === 'ScopeBroadened' || f.recorded.type === 'ScopeNarrowed').sort(byValidTime);
    this.lifts = facts.filter((f) => f.recorded.type === 'RestrictionLifted').sort(byValidTime);
    this.announcements = facts.filter((f) => f.recorded.type === 'EasingAnnounced');
    for (const fact of facts) {
      const data = dataOf(fact);
      if (fact.recorded.type === 'ExemptionGranted') push(this.grantsById, data.exemptionId!, fact);
      if (EXEMPTION_CHANGES.has(fact.recorded.type)) push(this.exemptionChangesById, data.exemptionId!, fact);
      if (fact.recorded.type === 'AnnouncementWithdrawn') push(this.endings, data.announcementId!, { ms: toMillis(data.withdrawnAt as string), fact });
      else if (data.enacts !== undefined && !Number.isNaN(fact.fromMs)) push(this.endings, data.enacts, { ms: fact.fromMs, fact });
    }
    for (const list of this.exemptionChangesById.values()) list.sort(byValidTime);
    this.scopeMemo?.follow(CategorySet.of(history.imposition?.categories ?? []), history.imposition, this.scopeChanges);
  }

  get measureId(): string {
    return this.history.measureId;
  }

  /** The grants an exemption change amends or revokes, for crediting them at its instants. */
  grantsOf(fact: StandingFact): StandingFact[] {
    const data = dataOf(fact);
    if (EXEMPTION_CHANGES.has(fact.recorded.type)) return this.grantsById.get(data.exemptionId!) ?? [];
    return [];
  }

  /** The announcement a withdrawal or an enactment ends. */
  announcementsEndedBy(fact: StandingFact): StandingFact[] {
    const data = dataOf(fact);
    const id = fact.recorded.type === 'AnnouncementWithdrawn' ? data.announcementId : data.enacts;
    return id === undefined ? [] : this.announcements.filter((a) => dataOf(a).announcementId === id);
  }

  /** The measure's contribution for the subject at t, had the standing events in `left` never been recorded. */
  at(t: number, left?: StandingFact | ReadonlySet<StandingFact>): Contribution {
    const history = this.history;
    const skip: ReadonlySet<StandingFact> | undefined = left === undefined ? undefined : left instanceof Set ? left : new Set([left as StandingFact]);
    if (!history.imposed || skip?.has(history.imposed)) return NOTHING;
    if (!this.isSubjectAt(t, skip)) return NOTHING;
    const pending = this.pendingAt(t, skip);
    if (!this.inForceAt(t, skip)) return pending.length ? { ...NOTHING, pending } : NOTHING;
    const scope = this.scopeAt(t, skip);
    const exemptions = this.exemptionsAt(t, skip).filter((e) => MeasureHistory.exemptionCovers(e, this.subjectId));
    let restricted = scope;
    let exempt = CategorySet.EMPTY;
    for (const exemption of exemptions) {
      restricted = restricted.difference(exemption.categories);
      exempt = exempt.union(exemption.categories);
    }
    return { restricted, exempt, pending };
  }

  private isSubjectAt(t: number, skip?: ReadonlySet<StandingFact>): boolean {
    if (this.cached && !some(skip, (f) => this.changesSubject.has(f))) return this.history.subjectFactAt(this.subjectId, t) !== undefined;
    let index = lastAtOrBefore(this.subjectChanges, t);
    while (index >= 0 && skip?.has(this.subjectChanges[index]!)) index--;
    if (index < 0) return this.history.imposition!.subjects.includes(this.subjectId);
    return this.subjectChanges[index]!.recorded.type === 'SubjectsAdded';
  }

  private inForceAt(t: number, skip?: ReadonlySet<StandingFact>): boolean {
    if (this.cached && !some(skip, (f) => f.recorded.type === 'RestrictionLifted')) return this.history.inForceAt(t);
    const imposition = this.history.imposition!;
    const lift = this.lifts.find((f) => !skip?.has(f));
    const untilMs = Math.min(imposition.effectiveUntil === undefined ? Infinity : toMillis(imposition.effectiveUntil), lift ? lift.fromMs : Infinity);
    return this.history.imposed!.fromMs <= t && t < untilMs;
  }

  private scopeAt(t: number, skip?: ReadonlySet<StandingFact>): CategorySet {
    const since = Math.min(...[...(skip ?? [])].filter((f) => (f.recorded.type === 'ScopeBroadened' || f.recorded.type === 'ScopeNarrowed') && f.fromMs <= t).map((f) => f.fromMs));
    const touched = since !== Infinity;
    if (this.cached && !touched) return this.history.scopeAt(t).categories;
    // Everything before the left-out change stands; fold again from its instant on.
    if (!touched && this.scopeMemo) return this.scopeMemo.at(t);
    let scope = touched && this.cached ? this.history.scopeAt(since - 1).categories : CategorySet.of(this.history.imposition!.categories);
    for (const change of this.scopeChanges) {
      if ((touched && this.cached && change.fromMs < since) || skip?.has(change)) continue;
      if (change.fromMs > t) break;
      scope = applyScopeChange(scope, change);
    }
    return scope;
  }

  private exemptionsAt(t: number, skip?: ReadonlySet<StandingFact>): ExemptionAt[] {
    const ids = new Set([...(skip ?? [])].filter((f) => f.recorded.type === 'ExemptionGranted' || EXEMPTION_CHANGES.has(f.recorded.type)).map((f) => dataOf(f).exemptionId!));
    if (this.cached && !ids.size) return this.history.exemptionsAt(t);
    const result = this.cached ? this.history.exemptionsAt(t).filter((e) => !ids.has(e.exemptionId)) : [];
    for (const [grantedId, grants] of this.grantsById) {
      if (this.cached && !ids.has(grantedId)) continue;
      for (const grant of grants) {
        if (skip?.has(grant)) continue;
        const exemption = this.foldExemption(grant, t, skip);
        if (exemption) result.push(exemption);
      }
    }
    return result;
  }

  /** One grant as it stands at t with its amendments (but `skip`) applied; undefined outside its window or revoked. */
  private foldExemption(grant: StandingFact, t: number, skip: ReadonlySet<StandingFact> | undefined): ExemptionAt | undefined {
    // The window first, without set operations: most grants are outside it at any one instant.
    const data = grant.data as GrantExemptionPayload;
    if (t < toMillis(data.effectiveFrom)) return undefined;
    let until = data.effectiveUntil;
    for (const change of this.exemptionChangesById.get(data.exemptionId) ?? []) {
      if (change.fromMs > t) break;
      if (skip?.has(change)) continue;
      if (change.recorded.type === 'ExemptionRevoked') return undefined;
      until = (change.data as AmendExemptionPayload).effectiveUntil ?? until;
    }
    if (until !== undefined && t >= toMillis(until)) return undefined;
    const standing = this.grantAt(grant, t, skip);
    if (standing.revokedBy) return undefined;
    const { exemption } = standing;
    if (t < toMillis(exemption.effectiveFrom) || (exemption.effectiveUntil !== undefined && t >= toMillis(exemption.effectiveUntil))) return undefined;
    return exemption;
  }

  /** Every grant of the measure as it stands at t (window aside), with what revoked it and what set its end, if anything. */
  grantsAt(t: number): GrantStanding[] {
    return [...this.grantsById.values()].flat().map((grant) => this.grantAt(grant, t, undefined));
  }

  private grantAt(grant: StandingFact, t: number, skip: ReadonlySet<StandingFact> | undefined): GrantStanding {
    const data = grant.data as GrantExemptionPayload;
    let categories = CategorySet.of(data.categories);
    let until = data.effectiveUntil;
    let untilSetBy: StandingFact | undefined;
    let revokedBy: StandingFact | undefined;
    const added = new Set<string>();
    const removed = new Set<string>();
    const basis = [grant];
    for (const change of this.exemptionChangesById.get(data.exemptionId) ?? []) {
      if (change.fromMs > t) break;
      if (skip?.has(change)) continue;
      basis.push(change);
      if (change.recorded.type === 'ExemptionRevoked') {
        revokedBy = change;
        break;
      }
      const amendment = change.data as AmendExemptionPayload;
      if (amendment.addCategories?.length) categories = categories.union(CategorySet.of(amendment.addCategories));
      if (amendment.removeCategories?.length) categories = categories.difference(CategorySet.of(amendment.removeCategories));
      for (const subject of amendment.addSubjects ?? []) (removed.delete(subject), added.add(subject));
      for (const subject of amendment.removeSubjects ?? []) (added.delete(subject), removed.add(subject));
      if (amendment.effectiveUntil !== undefined) (until = amendment.effectiveUntil), (untilSetBy = change);
    }
    const exemption: ExemptionAt = {
      exemptionId: data.exemptionId,
      title: data.title,
      categories,
      subjects: data.subjects ? new Set(data.subjects) : undefined,
      added,
      removed,
      effectiveFrom: data.effectiveFrom,
      ...(until !== undefined ? { effectiveUntil: until } : {}),
      basis,
    };
    return { exemption, ...(revokedBy ? { revokedBy } : {}), ...(untilSetBy ? { untilSetBy } : {}) };
  }

  private pendingAt(t: number, skip?: ReadonlySet<StandingFact>): string[] {
    const measureId = this.history.measureId;
    const imposition = this.history.imposition!;
    const pending: string[] = [];
    if (imposition.announcedAt && toMillis(imposition.announcedAt) <= t && t < this.history.imposed!.fromMs) pending.push(`${measureId}/imposition`);
    const touchesAnnouncements = some(skip, (f) => f.recorded.type === 'EasingAnnounced' || f.recorded.type === 'AnnouncementWithdrawn' || dataOf(f).enacts !== undefined);
    if (this.cached && !touchesAnnouncements) {
      for (const announcement of this.history.pendingAt(t)) pending.push(`${measureId}/${announcement.announcementId}`);
    } else {
      for (const announcement of this.announcements) {
        const data = dataOf(announcement);
        if (skip?.has(announcement) || toMillis(data.announcedAt as string) > t) continue;
        const ended = (this.endings.get(data.announcementId!) ?? []).some((e) => !skip?.has(e.fact) && e.ms <= t);
        if (!ended) pending.push(`${measureId}/${data.announcementId}`);
      }
    }
    return pending;
  }
}

/**
 * The successive scopes of one measure as a walk through record time learns
 * more of it. Each resolution of the measure carries the same payload objects,
 * so the folds over the scope changes it shares with the previous resolution
 * (all of them, when a record adds a later change) are kept, not recomputed.
 */
export class ScopeMemo {
  private base = CategorySet.EMPTY;
  private imposition: unknown;
  private changes: StandingFact[] = [];
  private payloads: unknown[] = [];
  /** folds[i]: the scope with changes[0..i] applied. */
  private folds: CategorySet[] = [];

  follow(base: CategorySet, imposition: unknown, changes: StandingFact[]): void {
    if (imposition !== this.imposition) {
      this.imposition = imposition;
      this.base = base;
      this.folds = [];
    }
    let same = 0;
    while (same < changes.length && same < this.payloads.length && changes[same]!.data === this.payloads[same] && changes[same]!.fromMs === this.changes[same]!.fromMs) same++;
    this.folds.length = Math.min(this.folds.length, same);
    this.changes = changes;
    this.payloads = changes.map((c) => c.data);
  }

  at(t: number): CategorySet {
    const index = lastAtOrBefore(this.changes, t);
    while (this.folds.length <= index) {
      const previous = this.folds.length ? this.folds[this.folds.length - 1]! : this.base;
      this.folds.push(applyScopeChange(previous, this.changes[this.folds.length]!));
    }
    return index < 0 ? this.base : this.folds[index]!;
  }
}

function some<T>(items: Iterable<T> | undefined, test: (item: T) => boolean): boolean {
  for (const item of items ?? []) if (test(item)) return true;
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
