/**
 * A measure's history as known from a set of recorded events, and what it says
 * at any valid time. Record time is settled first (`resolveMeasure` drops
 * retracted events and applies corrections); valid time is then evaluated by
 * the `…At(t)` methods. Both the decider and the projections read measures
 * through this one module, so the rules of DOMAIN.md "What a query answers"
 * live in one place.
 */
import { CategorySet, type CategorySetBuilder } from './categories.js';
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
import { unreadableBecause, withoutNulls } from './fact-reading.js';
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
  /** Why the payload cannot be read (see fact-reading.ts): such an event is set aside, never standing. */
  unreadable?: string;
}

/** An event that stands as known: not retracted, with its latest correction applied. */
export interface StandingFact {
  recorded: RecordedFact;
  /** The payload in force: the original, or the replacement of the latest correction. */
  data: EventData;
  correctedBy?: RecordedFact;
  /** Record order within the measure, for ties in valid time. */
  order: number;
  /** `effectiveFrom` in epoch ms (NaN for facts without one), parsed once. */
  fromMs: number;
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
    entries.push({
      eventId: event.eventId,
      type: event.type,
      position: event.position,
      recordedAt: event.recordedAt,
      ...(citation ? { citation } : {}),
    });
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

const effectiveFromOf = (fact: StandingFact): number => fact.fromMs;

export class MeasureHistory {
  /** Standing facts other than retractions and corrections, in record order. */
  readonly facts: StandingFact[];
  readonly imposed?: StandingFact;
  private readonly byValidTime: StandingFact[];
  private subjectChanges?: Map<string, StandingFact[]>;
  /** Scope changes in valid-time order, and the scope after each change asked about (-1: the imposed scope). */
  private scopeChanges?: StandingFact[];
  private scopes = new Map<number, CategorySet>();
  private scopeFold?: { index: number; builder: CategorySetBuilder };
  private exemptionSteps?: Map<string, ExemptionStep[]>;
  private announcements?: { fromMs: number; untilMs: number; announcement: AnnouncementAt }[];
  private window?: { fromMs: number; untilMs: number; lift?: StandingFact };

  constructor(
    readonly measureId: string,
    /** Every recorded event of the measure, retracted or not, in record order. */
    readonly recorded: RecordedFact[],
    /** Ids of events retracted by a standing retraction. */
    readonly retracted: ReadonlySet<string>,
    facts: StandingFact[],
    /** Recorded events that cannot be read and are not retracted: set aside, not standing. */
    readonly setAside: RecordedFact[] = [],
    /** A history these facts extend by facts that amend nothing: its indexes are carried over (see `extendMeasure`). */
    extending?: { history: MeasureHistory; added: StandingFact[] },
  ) {
    this.facts = facts;
    this.imposed = facts.find((f) => f.recorded.type === 'RestrictionImposed');
    if (extending) {
      this.byValidTime = extending.history.byValidTime.slice();
      for (const fact of extending.added) if (hasValidTime(fact)) insertByValidTime(this.byValidTime, fact);
      this.carryIndexes(extending.history, extending.added);
    } else {
      this.byValidTime = facts.filter(hasValidTime).sort(byValidTimeOrder);
    }
  }

  /**
   * Takes over what `before` worked out, updated for facts added to it: each
   * index a new fact bears on is updated (copied, never changed in place, for
   * `before` still answers), the others shared. Rebuilding them per version
   * made every read after a write cost the whole measure.
   */
  private carryIndexes(before: MeasureHistory, added: StandingFact[]): void {
    if (this.imposed !== before.imposed) return;
    const typed = (...types: EventType[]) => added.filter((f) => types.includes(f.recorded.type));
    if (before.subjectChanges) {
      const changes = typed('SubjectsAdded', 'SubjectsRemoved');
      if (!changes.length) this.subjectChanges = before.subjectChanges;
      else {
        const bySubject = new Map(before.subjectChanges);
        for (const fact of changes) {
          for (const subject of (fact.data as { subjects: string[] }).subjects) {
            const list = (bySubject.get(subject) ?? []).slice();
            insertByValidTime(list, fact);
            bySubject.set(subject, list);
          }
        }
        this.subjectChanges = bySubject;
      }
    }
    if (before.scopeChanges) {
      const changes = typed('ScopeBroadened', 'ScopeNarrowed');
      if (!changes.length) {
        // The same changes: the folds and the builder advancing through them stay valid for both.
        this.scopeChanges = before.scopeChanges;
        this.scopes = before.scopes;
        this.scopeFold = before.scopeFold;
      } else {
        const list = before.scopeChanges.slice();
        for (const fact of changes) insertByValidTime(list, fact);
        const firstNew = Math.min(...changes.map((fact) => list.indexOf(fact)));
        this.scopeChanges = list;
        // Folds up to a change before the first new one hold; the rest are folded again when asked.
        for (const [index, scope] of before.scopes) if (index < firstNew) this.scopes.set(index, scope);
      }
    }
    if (before.exemptionSteps) {
      const grants = typed('ExemptionGranted');
      const exemptionChanges = typed('ExemptionAmended', 'ExemptionRevoked');
      const ids = new Set(grants.map((f) => (f.data as GrantExemptionPayload).exemptionId));
      // A new grant of an id that standing changes already name would be amended by them: built again then.
      const named = (fact: StandingFact) =>
        (fact.recorded.type === 'ExemptionAmended' || fact.recorded.type === 'ExemptionRevoked') &&
        ids.has((fact.data as { exemptionId: string }).exemptionId);
      if (!exemptionChanges.length && !(ids.size && before.byValidTime.some(named))) {
        this.exemptionSteps = grants.length ? new Map(before.exemptionSteps) : before.exemptionSteps;
        for (const fact of grants)
          this.exemptionSteps.set(fact.recorded.eventId, [exemptionStep(-Infinity, grantedExemption(fact))]);
      }
    }
    const announcing = added.some(
      (f) =>
        f.recorded.type === 'EasingAnnounced' ||
        f.recorded.type === 'AnnouncementWithdrawn' ||
        (f.data as Enacting).enacts !== undefined,
    );
    if (!announcing) this.announcements = before.announcements;
    if (!added.some((f) => f.recorded.type === 'RestrictionLifted')) this.window = before.window;
  }

  get exists(): boolean {
    return this.imposed !== undefined;
  }

  get imposition(): ImposeRestrictionPayload | undefined {
    return this.imposed?.data as ImposeRestrictionPayload | undefined;
  }

  /** Whether the measure is imposed, not lifted and not expired at t. */
  inForceAt(t: number): boolean {
    const window = this.inForceWindow();
    return window !== undefined && window.fromMs <= t && t < window.untilMs;
  }

  /** The earliest lifting in valid time, if it is effective by t. */
  liftedBy(t: number): StandingFact | undefined {
    const lift = this.inForceWindow()?.lift;
    return lift && lift.fromMs <= t ? lift : undefined;
  }

  /** From the imposition's effectiveFrom to the earlier of its effectiveUntil and the first lifting. */
  private inForceWindow(): { fromMs: number; untilMs: number; lift?: StandingFact } | undefined {
    if (!this.imposed) return undefined;
    if (!this.window) {
      const imposition = this.imposition!;
      const lift = this.byValidTime.find((f) => f.recorded.type === 'RestrictionLifted');
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
    let fact = this.imposition!.subjects.includes(subject) ? this.imposed : undefined;
    for (const change of this.changesBySubject().get(subject) ?? []) {
      if (change.fromMs > t) break;
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
    this.scopeChanges ??= this.byValidTime.filter(
      (f) => f.recorded.type === 'ScopeBroadened' || f.recorded.type === 'ScopeNarrowed',
    );
    let index = -1;
    for (let low = 0, high = this.scopeChanges.length - 1; low <= high;) {
      const mid = (low + high) >> 1;
      if (this.scopeChanges[mid]!.fromMs <= t) ((index = mid), (low = mid + 1));
      else high = mid - 1;
    }
    return { categories: this.scopeAfter(index), basis: [this.imposed, ...this.scopeChanges.slice(0, index + 1)] };
  }

  /**
   * The scope with the first `index + 1` scope changes applied. Folded in
   * place and kept only where asked: a measure can have hundreds of changes,
   * and copying the whole scope at each made every resolution quadratic.
   */
  private scopeAfter(index: number): CategorySet {
    const known = this.scopes.get(index);
    if (known) return known;
    if (!this.scopeFold || this.scopeFold.index > index) {
      let from = -1;
      for (const done of this.scopes.keys()) if (done < index && done > from) from = done;
      const start = from === -1 ? CategorySet.of(this.imposition!.categories) : this.scopes.get(from)!;
      this.scopeFold = { index: from, builder: start.builder() };
    }
    while (this.scopeFold.index < index)
      applyScopeChangeTo(this.scopeFold.builder, this.scopeChanges![++this.scopeFold.index]!);
    const scope = this.scopeFold.builder.toSet();
    this.scopes.set(index, scope);
    return scope;
  }

  /** Exemptions inside their window and not revoked at t, with amendments effective by t applied. */
  exemptionsAt(t: number): ExemptionAt[] {
    const result: ExemptionAt[] = [];
    for (const steps of this.exemptionTimelines().values()) {
      const step = stepAt(steps, t);
      if (step?.exemption && step.windowFromMs <= t && t < step.windowUntilMs) result.push(step.exemption);
    }
    return result;
  }

  /**
   * Each grant's successive states in valid time: granted, then amended or
   * revoked (undefined) by each change to its exemption id, in valid-time
   * order. Keyed by the grant's event: a retracted retraction can leave two
   * standing grants of one id, and each then stands on its own. Computed once.
   */
  private exemptionTimelines(): Map<string, ExemptionStep[]> {
    if (this.exemptionSteps) return this.exemptionSteps;
    this.exemptionSteps = new Map();
    const grantsById = new Map<string, ExemptionStep[][]>();
    for (const fact of this.facts) {
      if (fact.recorded.type !== 'ExemptionGranted') continue;
      const grant = fact.data as GrantExemptionPayload;
      const steps = [exemptionStep(-Infinity, grantedExemption(fact))];
      this.exemptionSteps.set(fact.recorded.eventId, steps);
      grantsById.set(grant.exemptionId, [...(grantsById.get(grant.exemptionId) ?? []), steps]);
    }
    for (const fact of this.byValidTime) {
      if (fact.recorded.type !== 'ExemptionAmended' && fact.recorded.type !== 'ExemptionRevoked') continue;
      for (const steps of grantsById.get((fact.data as { exemptionId: string }).exemptionId) ?? []) {
        const current = steps[steps.length - 1]!.exemption;
        if (current)
          steps.push(
            exemptionStep(fact.fromMs, fact.recorded.type === 'ExemptionRevoked' ? undefined : amended(current, fact)),
          );
      }
    }
    return this.exemptionSteps;
  }

  /** Whether an exemption (as it stands at t) covers a subject of the measure at t. */
  static exemptionCovers(exemption: ExemptionAt, subject: string): boolean {
    if (exemption.removed.has(subject)) return false;
    if (exemption.added.has(subject)) return true;
    return exemption.subjects ? exemption.subjects.has(subject) : true;
  }

  /** Announcements made by t, not enacted by an event effective by t, not withdrawn by t. */
  pendingAt(t: number): AnnouncementAt[] {
    return this.announcementWindows()
      .filter((a) => a.fromMs <= t && t < a.untilMs)
      .map((a) => a.announcement);
  }

  /** Each announcement with the valid-time window in which it is pending. Computed once. */
  private announcementWindows(): { fromMs: number; untilMs: number; announcement: AnnouncementAt }[] {
    if (this.announcements) return this.announcements;
    this.announcements = [];
    for (const fact of this.facts) {
      if (fact.recorded.type !== 'EasingAnnounced') continue;
      const announcement = fact.data as AnnounceEasingPayload;
      let untilMs = Infinity;
      for (const other of this.facts) {
        const data = other.data as Enacting & { announcementId?: string; withdrawnAt?: string };
        if (other.recorded.type === 'AnnouncementWithdrawn' && data.announcementId === announcement.announcementId) {
          untilMs = Math.min(untilMs, toMillis(data.withdrawnAt!));
        } else if (data.enacts === announcement.announcementId && !Number.isNaN(other.fromMs)) {
          untilMs = Math.min(untilMs, other.fromMs);
        }
      }
      this.announcements.push({
        fromMs: toMillis(announcement.announcedAt),
        untilMs,
        announcement: {
          announcementId: announcement.announcementId,
          statement: announcement.statement,
          announcedAt: announcement.announcedAt,
          ...(announcement.categories ? { categories: announcement.categories } : {}),
          basis: [fact],
        },
      });
    }
    return this.announcements;
  }

  // Record-time facts: what the ledger holds now, whatever the valid time.

  granted(exemptionId: string): StandingFact | undefined {
    return this.facts.find(
      (f) => f.recorded.type === 'ExemptionGranted' && (f.data as GrantExemptionPayload).exemptionId === exemptionId,
    );
  }

  isRevoked(exemptionId: string): boolean {
    return this.facts.some(
      (f) => f.recorded.type === 'ExemptionRevoked' && (f.data as { exemptionId: string }).exemptionId === exemptionId,
    );
  }

  announced(announcementId: string): StandingFact | undefined {
    return this.facts.find(
      (f) =>
        f.recorded.type === 'EasingAnnounced' && (f.data as AnnounceEasingPayload).announcementId === announcementId,
    );
  }

  /** An announcement is still pending when no standing event withdraws or enacts it. */
  isPending(announcementId: string): boolean {
    if (!this.announced(announcementId)) return false;
    return !this.facts.some((f) => {
      const data = f.data as Enacting & { announcementId?: string };
      return (
        (f.recorded.type === 'AnnouncementWithdrawn' && data.announcementId === announcementId) ||
        data.enacts === announcementId
      );
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
  if (fact.recorded.type === 'ScopeBroadened')
    return scope.union(CategorySet.of((fact.data as { categories: string[] }).categories));
  const narrowing = fact.data as NarrowScopePayload;
  return narrowScope(scope, narrowing);
}

/** `applyScopeChange` on a set being folded in place. */
export function applyScopeChangeTo(scope: CategorySetBuilder, fact: StandingFact): void {
  if (fact.recorded.type === 'ScopeBroadened') {
    scope.union(CategorySet.of((fact.data as { categories: string[] }).categories));
    return;
  }
  const narrowing = fact.data as NarrowScopePayload;
  if (narrowing.narrowTo?.length) scope.intersection(CategorySet.of(narrowing.narrowTo));
  if (narrowing.remove?.length) scope.difference(CategorySet.of(narrowing.remove));
}

export function narrowScope(
  scope: CategorySet,
  narrowing: Pick<NarrowScopePayload, 'narrowTo' | 'remove'>,
): CategorySet {
  let result = scope;
  if (narrowing.narrowTo?.length) result = result.intersection(CategorySet.of(narrowing.narrowTo));
  if (narrowing.remove?.length) result = result.difference(CategorySet.of(narrowing.remove));
  return result;
}

/** A grant's exemption as granted. */
function grantedExemption(fact: StandingFact): ExemptionAt {
  const grant = fact.data as GrantExemptionPayload;
  return {
    exemptionId: grant.exemptionId,
    title: grant.title,
    categories: CategorySet.of(grant.categories),
    subjects: grant.subjects ? new Set(grant.subjects) : undefined,
    added: new Set(),
    removed: new Set(),
    effectiveFrom: grant.effectiveFrom,
    effectiveUntil: grant.effectiveUntil,
    basis: [fact],
  };
}

const hasValidTime = (fact: StandingFact) =>
  'effectiveFrom' in fact.data && fact.recorded.type !== 'RestrictionImposed';
const byValidTimeOrder = (a: StandingFact, b: StandingFact) =>
  effectiveFromOf(a) - effectiveFromOf(b) || a.order - b.order;

/** Inserts into a list in valid-time order, ties in record order; a new fact mostly lands at or near the end. */
function insertByValidTime(list: StandingFact[], fact: StandingFact): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (byValidTimeOrder(list[mid]!, fact) <= 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, fact);
}

/** An exemption as it stands from `fromMs` in valid time (undefined: revoked), with its window in ms. */
interface ExemptionStep {
  fromMs: number;
  exemption?: ExemptionAt;
  windowFromMs: number;
  windowUntilMs: number;
}

function exemptionStep(fromMs: number, exemption: ExemptionAt | undefined): ExemptionStep {
  return {
    fromMs,
    exemption,
    windowFromMs: exemption ? toMillis(exemption.effectiveFrom) : Infinity,
    windowUntilMs: exemption?.effectiveUntil === undefined ? Infinity : toMillis(exemption.effectiveUntil),
  };
}

/** The exemption with an amendment applied, as a new value: earlier steps stay as they were. */
function amended(exemption: ExemptionAt, fact: StandingFact): ExemptionAt {
  const amendment = fact.data as AmendExemptionPayload;
  let categories = exemption.categories;
  if (amendment.addCategories?.length) categories = categories.union(CategorySet.of(amendment.addCategories));
  if (amendment.removeCategories?.length)
    categories = categories.difference(CategorySet.of(amendment.removeCategories));
  const added = new Set(exemption.added);
  const removed = new Set(exemption.removed);
  for (const subject of amendment.addSubjects ?? []) {
    removed.delete(subject);
    added.add(subject);
  }
  for (const subject of amendment.removeSubjects ?? []) {
    added.delete(subject);
    removed.add(subject);
  }
  return {
    ...exemption,
    categories,
    added,
    removed,
    effectiveUntil: amendment.effectiveUntil ?? exemption.effectiveUntil,
    basis: [...exemption.basis, fact],
  };
}

/** The last step effective at t, in steps sorted by `fromMs`. */
function stepAt<T extends { fromMs: number }>(steps: T[], t: number): T | undefined {
  let low = 0;
  let high = steps.length - 1;
  let found: T | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (steps[mid]!.fromMs <= t) {
      found = steps[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
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
    if (event.type === 'EntryRetracted' && !event.unreadable && !retracted.has(event.eventId)) {
      retracted.add((event.data as { eventId: string }).eventId);
    }
  }
  const corrections = new Map<string, RecordedFact>();
  for (const event of recorded) {
    if (event.type === 'EntryCorrected' && !event.unreadable && !retracted.has(event.eventId)) {
      corrections.set((event.data as { eventId: string }).eventId, event);
    }
  }
  const facts: StandingFact[] = [];
  const setAside: RecordedFact[] = [];
  recorded.forEach((event, order) => {
    if (retracted.has(event.eventId)) return;
    if (event.unreadable) {
      setAside.push(event);
      return;
    }
    if (AMENDING_EVENTS.has(event.type)) return;
    const correction = corrections.get(event.eventId);
    const data = correction ? (correction.data as { replacement: EventData }).replacement : event.data;
    const from = (data as { effectiveFrom?: string }).effectiveFrom;
    facts.push({
      recorded: event,
      data,
      order,
      fromMs: from === undefined ? NaN : toMillis(from),
      ...(correction ? { correctedBy: correction } : {}),
    });
  });
  return new MeasureHistory(measureId, recorded, retracted, facts, setAside);
}

/**
 * The history once `recorded` grew past `resolvedLength`, extended rather than
 * resolved again, when the new events only add facts; undefined when one of
 * them retracts, corrects or cannot be read, since those change what stands.
 */
export function extendMeasure(
  history: MeasureHistory,
  recorded: RecordedFact[],
  resolvedLength: number,
): MeasureHistory | undefined {
  const added = recorded.slice(resolvedLength);
  if (added.some((event) => AMENDING_EVENTS.has(event.type) || event.unreadable)) return undefined;
  const addedFacts: StandingFact[] = added.map((event, i) => {
    const from = (event.data as { effectiveFrom?: string }).effectiveFrom;
    return {
      recorded: event,
      data: event.data,
      order: resolvedLength + i,
      fromMs: from === undefined ? NaN : toMillis(from),
    };
  });
  return new MeasureHistory(
    history.measureId,
    recorded,
    history.retracted,
    history.facts.concat(addedFacts),
    history.setAside,
    { history, added: addedFacts },
  );
}

/** The recorded fact of a stored event, marked unreadable when its payload cannot be read (see fact-reading.ts). */
export function readFact(fact: RecordedFact, earlier: readonly RecordedFact[]): RecordedFact {
  const targetId = fact.type === 'EntryCorrected' ? (fact.data as { eventId?: unknown }).eventId : undefined;
  const targetType = targetId === undefined ? undefined : earlier.find((e) => e.eventId === targetId)?.type;
  const unreadable = unreadableBecause(fact.type, fact.data, targetType);
  return { ...fact, data: withoutNulls(fact.data), ...(unreadable ? { unreadable } : {}) };
}
