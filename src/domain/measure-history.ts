/**
 * A measure's history as known from a set of recorded events, and what it says
 * at any valid time. Record time is settled first (`resolveMeasure` drops
 * retracted events and applies corrections); valid time is then evaluated by
 * the `…At(t)` methods. Both the decider and the projections read measures
 * through this one module, so the rules of DOMAIN.md "What a query answers"
 * live in one place.
 */
import { CategorySet } from './categories.js';
import type {
  AmendExemptionPayload,
  AnnounceEasingPayload,
  Enacting,
  EventData,
  EventType,
  GrantExemptionPayload,
  ImposeRestrictionPayload,
  NarrowScopePayload,
  Provenance,
} from './messages.js';
import { AMENDING_EVENTS } from './messages.js';
import { toMillis } from './time.js';

/** An event as the ledger recorded it. */
export interface RecordedFact {
  eventId: string;
  type: EventType;
  data: EventData;
  revision: number;
  /** Global ledger position, a decimal string. */
  position: string;
  recordedAt: string;
}

/** An event that stands as known: not retracted, with its latest correction applied. */
export interface StandingFact {
  recorded: RecordedFact;
  /** The payload in force: the original, or the replacement of the latest correction. */
  data: EventData;
  correctedBy?: RecordedFact;
  /** Record order within the measure, for ties in valid time. */
  order: number;
}

export interface BasisEntry {
  eventId: string;
  type: EventType;
  position: string;
  recordedAt: string;
  citation?: string;
}

export function basisOf(facts: Iterable<StandingFact>): BasisEntry[] {
  const entries: BasisEntry[] = [];
  const seen = new Set<string>();
  const add = (event: RecordedFact, citation: string | undefined) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    entries.push({ eventId: event.eventId, type: event.type, position: event.position, recordedAt: event.recordedAt, ...(citation ? { citation } : {}) });
  };
  for (const fact of facts) {
    add(fact.recorded, (fact.data as Provenance).citation);
    if (fact.correctedBy) add(fact.correctedBy, (fact.correctedBy.data as Provenance).citation);
  }
  return entries.sort((a, b) => comparePositions(a.position, b.position));
}

export function comparePositions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export interface ExemptionAt {
  exemptionId: string;
  title: string;
  categories: CategorySet;
  /** Undefined: every subject of the measure, with `added` and without `removed`. */
  subjects?: Set<string>;
  added: Set<string>;
  removed: Set<string>;
  effectiveFrom: string;
  effectiveUntil?: string;
  basis: StandingFact[];
}

export interface AnnouncementAt {
  announcementId: string;
  statement: string;
  announcedAt: string;
  categories?: string[];
  basis: StandingFact[];
}

const effectiveFromOf = (fact: StandingFact): number => toMillis((fact.data as { effectiveFrom: string }).effectiveFrom);

export class MeasureHistory {
  /** Standing facts other than retractions and corrections, in record order. */
  readonly facts: StandingFact[];
  readonly imposed?: StandingFact;
  private readonly byValidTime: StandingFact[];
  private subjectChanges?: Map<string, StandingFact[]>;

  constructor(
    readonly measureId: string,
    /** Every recorded event of the measure, retracted or not, in record order. */
    readonly recorded: RecordedFact[],
    /** Ids of events retracted by a standing retraction. */
    readonly retracted: ReadonlySet<string>,
    facts: StandingFact[],
  ) {
    this.facts = facts;
    this.imposed = facts.find((f) => f.recorded.type === 'RestrictionImposed');
    this.byValidTime = facts
      .filter((f) => 'effectiveFrom' in f.data && f.recorded.type !== 'RestrictionImposed')
      .sort((a, b) => effectiveFromOf(a) - effectiveFromOf(b) || a.order - b.order);
  }

  get exists(): boolean {
    return this.imposed !== undefined;
  }

  get imposition(): ImposeRestrictionPayload | undefined {
    return this.imposed?.data as ImposeRestrictionPayload | undefined;
  }

  /** Facts of the given types effective at or before t, in valid-time order (ties in record order). */
  private effectiveBy(t: number, ...types: EventType[]): StandingFact[] {
    return this.byValidTime.filter((f) => types.includes(f.recorded.type) && effectiveFromOf(f) <= t);
  }

  /** Whether the measure is imposed, not lifted and not expired at t. */
  inForceAt(t: number): boolean {
    const imposition = this.imposition;
    if (!imposition || toMillis(imposition.effectiveFrom) > t) return false;
    if (imposition.effectiveUntil !== undefined && t >= toMillis(imposition.effectiveUntil)) return false;
    return this.effectiveBy(t, 'RestrictionLifted').length === 0;
  }

  liftedBy(t: number): StandingFact | undefined {
    return this.effectiveBy(t, 'RestrictionLifted')[0];
  }

  /** The measure's subjects at t, each with the facts that made it one. */
  subjectsAt(t: number): Map<string, StandingFact[]> {
    const subjects = new Map<string, StandingFact[]>();
    if (!this.imposed) return subjects;
    for (const subject of this.imposition!.subjects) subjects.set(subject, [this.imposed]);
    for (const fact of this.effectiveBy(t, 'SubjectsAdded', 'SubjectsRemoved')) {
      for (const subject of (fact.data as { subjects: string[] }).subjects) {
        if (fact.recorded.type === 'SubjectsAdded') subjects.set(subject, [fact]);
        else subjects.delete(subject);
      }
    }
    return subjects;
  }

  /** The fact that makes the subject one of the measure's at t (its imposition or latest addition), if it is one. */
  subjectFactAt(subject: string, t: number): StandingFact | undefined {
    if (!this.imposed) return undefined;
    let fact = this.imposition!.subjects.includes(subject) ? this.imposed : undefined;
    for (const change of this.changesOfSubject(subject)) {
      if (effectiveFromOf(change) > t) break;
      fact = change.recorded.type === 'SubjectsAdded' ? change : undefined;
    }
    return fact;
  }

  /** Every subject the measure's standing facts name (whatever the valid time). */
  mentionedSubjects(): Set<string> {
    const subjects = new Set(this.imposition?.subjects ?? []);
    for (const subject of this.changesBySubject().keys()) subjects.add(subject);
    return subjects;
  }

  private changesOfSubject(subject: string): StandingFact[] {
    return this.changesBySubject().get(subject) ?? [];
  }

  private changesBySubject(): Map<string, StandingFact[]> {
    if (!this.subjectChanges) {
      this.subjectChanges = new Map();
      for (const fact of this.byValidTime) {
        if (fact.recorded.type !== 'SubjectsAdded' && fact.recorded.type !== 'SubjectsRemoved') continue;
        for (const subject of (fact.data as { subjects: string[] }).subjects) {
          const list = this.subjectChanges.get(subject) ?? [];
          list.push(fact);
          this.subjectChanges.set(subject, list);
        }
      }
    }
    return this.subjectChanges;
  }

  /** The scope at t: the imposed categories with broadenings and narrowings effective by t applied. */
  scopeAt(t: number): { categories: CategorySet; basis: StandingFact[] } {
    if (!this.imposed) return { categories: CategorySet.EMPTY, basis: [] };
    let categories = CategorySet.of(this.imposition!.categories);
    const basis = [this.imposed];
    for (const fact of this.effectiveBy(t, 'ScopeBroadened', 'ScopeNarrowed')) {
      categories = applyScopeChange(categories, fact);
      basis.push(fact);
    }
    return { categories, basis };
  }

  /** Exemptions inside their window and not revoked at t, with amendments effective by t applied. */
  exemptionsAt(t: number): ExemptionAt[] {
    const result: ExemptionAt[] = [];
    for (const exemption of this.exemptionsAsAmendedAt(t).values()) {
      if (toMillis(exemption.effectiveFrom) > t) continue;
      if (exemption.effectiveUntil !== undefined && t >= toMillis(exemption.effectiveUntil)) continue;
      result.push(exemption);
    }
    return result;
  }

  /** Every exemption granted, as amended by t, dropping those revoked by t. */
  exemptionsAsAmendedAt(t: number): Map<string, ExemptionAt> {
    const exemptions = new Map<string, ExemptionAt>();
    for (const fact of this.facts) {
      if (fact.recorded.type !== 'ExemptionGranted') continue;
      const grant = fact.data as GrantExemptionPayload;
      exemptions.set(grant.exemptionId, {
        exemptionId: grant.exemptionId,
        title: grant.title,
        categories: CategorySet.of(grant.categories),
        subjects: grant.subjects ? new Set(grant.subjects) : undefined,
        added: new Set(),
        removed: new Set(),
        effectiveFrom: grant.effectiveFrom,
        effectiveUntil: grant.effectiveUntil,
        basis: [fact],
      });
    }
    for (const fact of this.effectiveBy(t, 'ExemptionAmended', 'ExemptionRevoked')) {
      const exemptionId = (fact.data as { exemptionId: string }).exemptionId;
      const exemption = exemptions.get(exemptionId);
      if (!exemption) continue;
      if (fact.recorded.type === 'ExemptionRevoked') {
        exemptions.delete(exemptionId);
        continue;
      }
      applyAmendment(exemption, fact.data as AmendExemptionPayload);
      exemption.basis.push(fact);
    }
    return exemptions;
  }

  /** Whether an exemption (as it stands at t) covers a subject of the measure at t. */
  static exemptionCovers(exemption: ExemptionAt, subject: string): boolean {
    if (exemption.removed.has(subject)) return false;
    if (exemption.added.has(subject)) return true;
    return exemption.subjects ? exemption.subjects.has(subject) : true;
  }

  /** Announcements made by t, not enacted by an event effective by t, not withdrawn by t. */
  pendingAt(t: number): AnnouncementAt[] {
    const pending: AnnouncementAt[] = [];
    for (const fact of this.facts) {
      if (fact.recorded.type !== 'EasingAnnounced') continue;
      const announcement = fact.data as AnnounceEasingPayload;
      if (toMillis(announcement.announcedAt) > t) continue;
      const closed = this.facts.some((other) => {
        const data = other.data as Enacting & { announcementId?: string; withdrawnAt?: string; effectiveFrom?: string };
        if (other.recorded.type === 'AnnouncementWithdrawn') {
          return data.announcementId === announcement.announcementId && toMillis(data.withdrawnAt!) <= t;
        }
        return data.enacts === announcement.announcementId && data.effectiveFrom !== undefined && toMillis(data.effectiveFrom) <= t;
      });
      if (!closed) {
        pending.push({
          announcementId: announcement.announcementId,
          statement: announcement.statement,
          announcedAt: announcement.announcedAt,
          ...(announcement.categories ? { categories: announcement.categories } : {}),
          basis: [fact],
        });
      }
    }
    return pending;
  }

  // Record-time facts: what the ledger holds now, whatever the valid time.

  granted(exemptionId: string): StandingFact | undefined {
    return this.facts.find((f) => f.recorded.type === 'ExemptionGranted' && (f.data as GrantExemptionPayload).exemptionId === exemptionId);
  }

  isRevoked(exemptionId: string): boolean {
    return this.facts.some((f) => f.recorded.type === 'ExemptionRevoked' && (f.data as { exemptionId: string }).exemptionId === exemptionId);
  }

  announced(announcementId: string): StandingFact | undefined {
    return this.facts.find((f) => f.recorded.type === 'EasingAnnounced' && (f.data as AnnounceEasingPayload).announcementId === announcementId);
  }

  /** An announcement is still pending when no standing event withdraws or enacts it. */
  isPending(announcementId: string): boolean {
    if (!this.announced(announcementId)) return false;
    return !this.facts.some((f) => {
      const data = f.data as Enacting & { announcementId?: string };
      return (f.recorded.type === 'AnnouncementWithdrawn' && data.announcementId === announcementId) || data.enacts === announcementId;
    });
  }

  isLifted(): boolean {
    return this.facts.some((f) => f.recorded.type === 'RestrictionLifted');
  }

  /** The history as it would stand had one event never been recorded (for checking a correction). */
  without(eventId: string): MeasureHistory {
    return resolveMeasure(
      this.measureId,
      this.recorded.filter((e) => e.eventId !== eventId && (e.data as { eventId?: string }).eventId !== eventId),
    );
  }
}

export function applyScopeChange(scope: CategorySet, fact: StandingFact): CategorySet {
  if (fact.recorded.type === 'ScopeBroadened') return scope.union(CategorySet.of((fact.data as { categories: string[] }).categories));
  const narrowing = fact.data as NarrowScopePayload;
  return narrowScope(scope, narrowing);
}

export function narrowScope(scope: CategorySet, narrowing: Pick<NarrowScopePayload, 'narrowTo' | 'remove'>): CategorySet {
  let result = scope;
  if (narrowing.narrowTo?.length) result = result.intersection(CategorySet.of(narrowing.narrowTo));
  if (narrowing.remove?.length) result = result.difference(CategorySet.of(narrowing.remove));
  return result;
}

function applyAmendment(exemption: ExemptionAt, amendment: AmendExemptionPayload): void {
  if (amendment.effectiveUntil !== undefined) exemption.effectiveUntil = amendment.effectiveUntil;
  if (amendment.addCategories?.length) exemption.categories = exemption.categories.union(CategorySet.of(amendment.addCategories));
  if (amendment.removeCategories?.length) exemption.categories = exemption.categories.difference(CategorySet.of(amendment.removeCategories));
  for (const subject of amendment.addSubjects ?? []) {
    exemption.removed.delete(subject);
    exemption.added.add(subject);
  }
  for (const subject of amendment.removeSubjects ?? []) {
    exemption.added.delete(subject);
    exemption.removed.add(subject);
  }
}

/**
 * Settles record time. A retraction stands unless a standing retraction
 * targets it; since targets always precede their retractions, one pass from
 * the newest event back decides every event. The latest standing correction
 * of an event replaces its payload.
 */
export function resolveMeasure(measureId: string, recorded: RecordedFact[]): MeasureHistory {
  const retracted = new Set<string>();
  for (let i = recorded.length - 1; i >= 0; i--) {
    const event = recorded[i]!;
    if (event.type === 'EntryRetracted' && !retracted.has(event.eventId)) {
      retracted.add((event.data as { eventId: string }).eventId);
    }
  }
  const corrections = new Map<string, RecordedFact>();
  for (const event of recorded) {
    if (event.type === 'EntryCorrected' && !retracted.has(event.eventId)) {
      corrections.set((event.data as { eventId: string }).eventId, event);
    }
  }
  const facts: StandingFact[] = [];
  recorded.forEach((event, order) => {
    if (retracted.has(event.eventId) || AMENDING_EVENTS.has(event.type)) return;
    const correction = corrections.get(event.eventId);
    const data = correction ? (correction.data as { replacement: EventData }).replacement : event.data;
    facts.push({ recorded: event, data, order, ...(correction ? { correctedBy: correction } : {}) });
  });
  return new MeasureHistory(measureId, recorded, retracted, facts);
}
