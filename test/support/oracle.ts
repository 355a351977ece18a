/**
 * The test oracle: "What a query answers" (DOMAIN.md) as a naive fold of the
 * raw log, written for clarity and independent of the production code. Category
 * sets are explicit sets of paths over a small finite universe.
 */
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';

export interface OracleEvent {
  eventId: string;
  measureId: string;
  type: string;
  data: Record<string, any>;
  position: number;
  /** Set by `standing`: the correction whose replacement this event's data is. */
  correctedBy?: string;
}

export interface OracleAnswer {
  /** measureId → restricted paths (measures restricting nothing are left out). */
  restricted: Map<string, Set<string>>;
  /** `measureId/exemptionId` of each applying exemption that carves something out of its measure's scope. */
  exemptions: Set<string>;
  /** `measureId/exemptionId` of each applying exemption, whether or not its categories lie in the scope (replay's parts). */
  applying: Set<string>;
  /** measureId → the paths its applying exemptions carve out. */
  exempt: Map<string, Set<string>>;
  /**
   * `measureId/announcementId|imposition` of each item the state lists as pending: an easing naming only categories
   * outside its measure's scope at t (whether in force or not yet) is relief of nothing and is left out.
   */
  pending: Set<string>;
  /** Each pending item, whether or not an easing's categories lie in the scope (replay's pending part). */
  announced: Set<string>;
  /** measureId → its scope, for the measures in force that name the subject. */
  scope: Map<string, Set<string>>;
}

/** One interval of a subject's timeline (see `Oracle.timeline`); `until` left out: open-ended. */
export interface OracleInterval {
  from: number;
  until?: number;
  /** [measureId, restricted paths] for each measure restricting something, sorted. */
  restricted: [string, string[]][];
  became: string[];
  stopped: string[];
}

/** A measure that does not restrict a category at T though it covers it at another time (see `Oracle.notRestricting`). */
export interface OracleNotRestricting {
  measureId: string;
  reason: string;
  on: number;
  /** The imposition and the events deciding the reason, each with the correction its data comes from. */
  events: OracleEvent[];
}

/** A grant's exemption as it stands for one subject at one valid time (see `Oracle.exemption`). */
export interface OracleExemption {
  grant: OracleEvent;
  /** Its amendments effective by then and before any revocation, in valid-time order. */
  amendments: OracleEvent[];
  revokedBy?: OracleEvent;
  categories: Set<string>;
  until?: string;
  inWindow: boolean;
  covers: boolean;
}

const ms = (instant: string) => Date.parse(instant);
const META = new Set(['EntryRetracted', 'EntryCorrected']);
const LEGAL = new Set([
  'RestrictionImposed',
  'SubjectsAdded',
  'SubjectsRemoved',
  'ScopeBroadened',
  'ScopeNarrowed',
  'ExemptionGranted',
  'ExemptionAmended',
  'ExemptionRevoked',
  'RestrictionLifted',
]);

/** The log as the oracle reads it: measures by id, positions as numbers. */
export function oracleLog(events: LoggedEvent[]): OracleEvent[] {
  return events.map((e) => ({
    eventId: e.eventId,
    measureId: e.streamId.slice('measure-'.length),
    type: e.type,
    data: e.data as Record<string, unknown>,
    position: Number(e.position),
  }));
}

/** Every subject an event's data names, in any list of subjects, a correction's replacement included. */
export function subjectsNamed(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  const record = data as Record<string, unknown>;
  const lists = ['subjects', 'addSubjects', 'removeSubjects'].flatMap((field) =>
    Array.isArray(record[field]) ? (record[field] as string[]) : [],
  );
  return [...lists, ...subjectsNamed(record.replacement)];
}

/**
 * The standing event of `type` whose `idField` is `id` that an event acts on: the latest recorded before it. A
 * corrected event keeps its position.
 */
function actedOn(
  measureEvents: OracleEvent[],
  type: string,
  idField: string,
  id: string,
  event: OracleEvent,
): OracleEvent | undefined {
  const earlier = measureEvents.filter((e) => e.type === type && e.data[idField] === id && e.position < event.position);
  return earlier.sort((a, b) => a.position - b.position).at(-1);
}

export class Oracle {
  constructor(private readonly universe: string[]) {}

  expand(categories: string[] = []): Set<string> {
    return new Set(this.universe.filter((p) => categories.some((c) => p === c || p.startsWith(`${c}/`))));
  }

  /** The imposed categories with the scope changes (in valid-time order) applied. */
  private scopeAfter(imposed: OracleEvent, changes: OracleEvent[]): Set<string> {
    let scope = this.expand(imposed.data.categories);
    for (const change of changes) {
      if (change.type === 'ScopeBroadened') scope = new Set([...scope, ...this.expand(change.data.categories)]);
      else {
        if (change.data.narrowTo?.length) {
          const keep = this.expand(change.data.narrowTo);
          scope = new Set([...scope].filter((p) => keep.has(p)));
        }
        const drop = this.expand(change.data.remove);
        scope = new Set([...scope].filter((p) => !drop.has(p)));
      }
    }
    return scope;
  }

  /** The events standing at k: not retracted, latest correction applied; retractions and corrections left out. */
  standing(log: OracleEvent[], k: number): OracleEvent[] {
    const known = log.filter((e) => e.position <= k);
    const memo = new Map<string, boolean>();
    const isRetracted = (id: string): boolean => {
      if (!memo.has(id)) {
        memo.set(
          id,
          known.some((r) => r.type === 'EntryRetracted' && r.data.eventId === id && !isRetracted(r.eventId)),
        );
      }
      return memo.get(id)!;
    };
    return known
      .filter((e) => !META.has(e.type) && !isRetracted(e.eventId))
      .map((e) => {
        const corrections = known.filter(
          (c) => c.type === 'EntryCorrected' && c.data.eventId === e.eventId && !isRetracted(c.eventId),
        );
        const latest = corrections.sort((a, b) => a.position - b.position).at(-1);
        return latest ? { ...e, data: latest.data.replacement, correctedBy: latest.eventId } : e;
      });
  }

  answer(log: OracleEvent[], subject: string, t: number, k: number): OracleAnswer {
    return this.answerFrom(this.standing(log, k), subject, t);
  }

  /** The answer from the events standing at some k (see `standing`), for asking many instants of one knowledge. */
  answerFrom(standing: OracleEvent[], subject: string, t: number): OracleAnswer {
    const answer: OracleAnswer = {
      restricted: new Map(),
      exemptions: new Set(),
      applying: new Set(),
      exempt: new Map(),
      pending: new Set(),
      announced: new Set(),
      scope: new Map(),
    };
    for (const measureId of new Set(standing.map((e) => e.measureId))) {
      const events = standing.filter((e) => e.measureId === measureId);
      const imposed = events.find((e) => e.type === 'RestrictionImposed');
      if (!imposed) continue;
      const effectiveBy = (types: string[]) =>
        events
          .filter((e) => types.includes(e.type) && ms(e.data.effectiveFrom) <= t)
          .sort((a, b) => ms(a.data.effectiveFrom) - ms(b.data.effectiveFrom) || a.position - b.position);

      const subjects = new Set<string>(imposed.data.subjects);
      for (const change of effectiveBy(['SubjectsAdded', 'SubjectsRemoved'])) {
        for (const s of change.data.subjects) change.type === 'SubjectsAdded' ? subjects.add(s) : subjects.delete(s);
      }
      if (!subjects.has(subject)) continue;

      // pending announcements, for a subject of the measure at t; a lifting effective by t, or the measure's
      // effectiveUntil passed by t, ends them all
      const ended =
        effectiveBy(['RestrictionLifted']).length > 0 ||
        (imposed.data.effectiveUntil !== undefined && ms(imposed.data.effectiveUntil) <= t);
      if (
        !ended &&
        imposed.data.announcedAt &&
        ms(imposed.data.announcedAt) <= t &&
        t < ms(imposed.data.effectiveFrom)
      ) {
        answer.pending.add(`${measureId}/imposition`);
        answer.announced.add(`${measureId}/imposition`);
      }
      const scopeNow = this.scopeAfter(imposed, effectiveBy(['ScopeBroadened', 'ScopeNarrowed']));
      for (const a of events.filter((e) => e.type === 'EasingAnnounced' && ms(e.data.announcedAt) <= t)) {
        const id = a.data.announcementId;
        // A withdrawal or enactment closes the announcement of its id that stood when it was recorded.
        const closes = (e: OracleEvent) => actedOn(events, 'EasingAnnounced', 'announcementId', id, e) === a;
        const withdrawn = events.some(
          (w) =>
            w.type === 'AnnouncementWithdrawn' &&
            w.data.announcementId === id &&
            ms(w.data.withdrawnAt) <= t &&
            closes(w),
        );
        const enacted = events.some(
          (x) => LEGAL.has(x.type) && x.data.enacts === id && ms(x.data.effectiveFrom) <= t && closes(x),
        );
        if (ended || withdrawn || enacted) continue;
        answer.announced.add(`${measureId}/${id}`);
        const named = a.data.categories ? this.expand(a.data.categories) : undefined;
        if (!named || [...named].some((p) => scopeNow.has(p))) answer.pending.add(`${measureId}/${id}`);
      }

      const inForce =
        ms(imposed.data.effectiveFrom) <= t &&
        (imposed.data.effectiveUntil === undefined || t < ms(imposed.data.effectiveUntil)) &&
        effectiveBy(['RestrictionLifted']).length === 0;
      if (!inForce) continue;

      const scope = this.scopeAfter(imposed, effectiveBy(['ScopeBroadened', 'ScopeNarrowed']));

      answer.scope.set(measureId, scope);
      let restricted = scope;
      for (const grant of events.filter((e) => e.type === 'ExemptionGranted')) {
        const exemption = this.exemption(events, grant, subject, t);
        if (!Oracle.applies(exemption)) continue;
        // One whose categories all lie outside the scope carves nothing out of it: not listed among its exemptions.
        answer.applying.add(`${measureId}/${grant.data.exemptionId}`);
        if ([...exemption.categories].some((p) => scope.has(p)))
          answer.exemptions.add(`${measureId}/${grant.data.exemptionId}`);
        answer.exempt.set(measureId, new Set([...(answer.exempt.get(measureId) ?? []), ...exemption.categories]));
        restricted = new Set([...restricted].filter((p) => !exemption.categories.has(p)));
      }
      if (restricted.size) answer.restricted.set(measureId, restricted);
    }
    return answer;
  }

  /**
   * What a check of a category lists as pending for the subject at t: each pending item (see `answerFrom`) whose
   * measure's scope at t (whether in force or not yet), within the categories the item names (an easing's, or the
   * imposed ones for an imposition), overlaps the category. Sorted keys, `<measureId>/<announcementId|imposition>`.
   */
  checkPending(standing: OracleEvent[], subject: string, category: string, t: number): string[] {
    const asked = this.expand([category]);
    return [...this.answerFrom(standing, subject, t).pending]
      .filter((key) => {
        const [measureId, id] = key.split('/') as [string, string];
        const events = standing.filter((e) => e.measureId === measureId);
        const imposed = events.find((e) => e.type === 'RestrictionImposed')!;
        const item =
          id === 'imposition'
            ? imposed
            : events.find((e) => e.type === 'EasingAnnounced' && e.data.announcementId === id)!;
        const named = item.data.categories ? this.expand(item.data.categories) : undefined;
        const { scope } = this.measureState(events, imposed, subject, t);
        return [...scope].some((p) => asked.has(p) && (!named || named.has(p)));
      })
      .sort();
  }

  /**
   * The measures whose imposition is retracted at k (recorded by mistake: they restrict nothing) though, as recorded,
   * it named the subject and covered some of the category: an explanation tells each, with its imposition and the
   * retraction standing at k. By measure id.
   */
  retractedMeasures(log: OracleEvent[], subject: string, category: string, k: number) {
    const known = log.filter((e) => e.position <= k);
    const standingIds = new Set(this.standing(log, k).map((e) => e.eventId));
    const asked = this.expand([category]);
    const stands = (retraction: OracleEvent): boolean =>
      !known.some((r) => r.type === 'EntryRetracted' && r.data.eventId === retraction.eventId && stands(r));
    return known
      .filter(
        (e) =>
          e.type === 'RestrictionImposed' &&
          !standingIds.has(e.eventId) &&
          e.data.subjects.includes(subject) &&
          [...this.expand(e.data.categories)].some((p) => asked.has(p)),
      )
      .map((imposed) => ({
        measureId: imposed.measureId,
        imposed,
        retraction: known.find((r) => r.type === 'EntryRetracted' && r.data.eventId === imposed.eventId && stands(r))!,
      }))
      .sort((a, b) => (a.measureId < b.measureId ? -1 : 1));
  }

  /**
   * The measures that do not bear on a category for the subject at t (not in force, not naming it, or a scope not
   * overlapping it) though, at some instant while in force and naming it, their scope overlapped the part of the
   * category not restricted at t (the free part); each with the first condition that fails at t and the events
   * deciding it: in force (begins, lifted, ended), the subject (removed, added later), the scope (narrowed: the last
   * instant by t at which narrowings took out of the scope some of the free part the measure had covered while in
   * force and naming the subject, and those of them that did; broadened later: the first instant after t at which it
   * covers some of the free part while in force and naming the subject, and the broadenings since t that brought it).
   */
  notRestricting(standing: OracleEvent[], subject: string, category: string, t: number): OracleNotRestricting[] {
    const restricted = new Set([...this.answerFrom(standing, subject, t).restricted.values()].flatMap((s) => [...s]));
    const asked = [...this.expand([category])];
    const free = asked.filter((p) => !restricted.has(p));
    const found: OracleNotRestricting[] = [];
    if (!free.length) return found;
    for (const measureId of [...new Set(standing.map((e) => e.measureId))].sort()) {
      const events = standing.filter((e) => e.measureId === measureId);
      const imposed = events.find((e) => e.type === 'RestrictionImposed');
      if (!imposed) continue;
      const states = new Map<number, ReturnType<Oracle['measureState']>>();
      const state = (u: number) => {
        if (!states.has(u)) states.set(u, this.measureState(events, imposed, subject, u));
        return states.get(u)!;
      };
      const overlaps = (u: number, paths: string[]) => paths.some((p) => state(u).scope.has(p));
      const bears = (u: number) => state(u).inForce && state(u).named;
      if (bears(t) && overlaps(t, asked)) continue;
      if (!Oracle.instants(events).some((u) => bears(u) && overlaps(u, free))) continue;
      const byValidTime = (type: string) =>
        events
          .filter((e) => e.type === type)
          .sort((a, b) => ms(a.data.effectiveFrom) - ms(b.data.effectiveFrom) || a.position - b.position);
      const until = imposed.data.effectiveUntil === undefined ? Infinity : ms(imposed.data.effectiveUntil);
      const lift = byValidTime('RestrictionLifted')[0];
      const why = (reason: string, on: number, deciding: OracleEvent[] = []) =>
        found.push({ measureId, reason, on, events: [imposed, ...deciding] });
      if (t < ms(imposed.data.effectiveFrom)) why('begins', ms(imposed.data.effectiveFrom));
      else if (!state(t).inForce) {
        if (lift && ms(lift.data.effectiveFrom) <= t && ms(lift.data.effectiveFrom) <= until)
          why('lifted', ms(lift.data.effectiveFrom), [lift]);
        else why('ended', until);
      } else if (!state(t).named) {
        const changes = events
          .filter(
            (e) => (e.type === 'SubjectsAdded' || e.type === 'SubjectsRemoved') && e.data.subjects.includes(subject),
          )
          .sort((a, b) => ms(a.data.effectiveFrom) - ms(b.data.effectiveFrom) || a.position - b.position);
        const last = changes.filter((e) => ms(e.data.effectiveFrom) <= t).at(-1);
        const added = changes.find((e) => e.type === 'SubjectsAdded' && ms(e.data.effectiveFrom) > t);
        if (last?.type === 'SubjectsRemoved') why('subject-removed', ms(last.data.effectiveFrom), [last]);
        else if (added) why('subject-added-later', ms(added.data.effectiveFrom), [added]);
      } else {
        // Scope changes count only for the free part the measure covers while in force and naming the subject: the
        // last instant by t a narrowing took out some of it covered before; else the first after t it covers some.
        const instants = Oracle.instants(events);
        const coveredBefore = (u: number, p: string) =>
          instants.some((v) => v < u && bears(v) && state(v).scope.has(p));
        const leftOut = (u: number) =>
          free.filter((p) => state(u - 1).scope.has(p) && !state(u).scope.has(p) && coveredBefore(u, p));
        const narrowed = instants.filter((u) => u <= t && leftOut(u).length).at(-1);
        const broadened = instants.find((u) => u > t && bears(u) && overlaps(u, free));
        if (narrowed !== undefined) {
          const removed = leftOut(narrowed);
          const dropsSome = (e: OracleEvent) =>
            removed.some(
              (p) =>
                this.expand(e.data.remove ?? []).has(p) ||
                (!!e.data.narrowTo?.length && !this.expand(e.data.narrowTo).has(p)),
            );
          const narrowings = events.filter(
            (e) => e.type === 'ScopeNarrowed' && ms(e.data.effectiveFrom) === narrowed && dropsSome(e),
          );
          why('scope-narrowed', narrowed, narrowings);
        } else if (broadened !== undefined) {
          const reached = free.filter((p) => state(broadened).scope.has(p));
          const broadenings = events.filter(
            (e) =>
              e.type === 'ScopeBroadened' &&
              ms(e.data.effectiveFrom) > t &&
              ms(e.data.effectiveFrom) <= broadened &&
              reached.some((p) => this.expand(e.data.categories).has(p)),
          );
          why('scope-broadened-later', broadened, broadenings);
        }
      }
    }
    return found;
  }

  /**
   * A measure at valid time u for a subject, from its standing events: whether it is in force, whether it names the
   * subject, and its scope (whether in force or not).
   */
  private measureState(events: OracleEvent[], imposed: OracleEvent, subject: string, u: number) {
    const effectiveBy = (types: string[]) =>
      events
        .filter((e) => types.includes(e.type) && ms(e.data.effectiveFrom) <= u)
        .sort((a, b) => ms(a.data.effectiveFrom) - ms(b.data.effectiveFrom) || a.position - b.position);
    const subjects = new Set<string>(imposed.data.subjects);
    for (const change of effectiveBy(['SubjectsAdded', 'SubjectsRemoved']))
      for (const s of change.data.subjects) change.type === 'SubjectsAdded' ? subjects.add(s) : subjects.delete(s);
    const inForce =
      ms(imposed.data.effectiveFrom) <= u &&
      (imposed.data.effectiveUntil === undefined || u < ms(imposed.data.effectiveUntil)) &&
      effectiveBy(['RestrictionLifted']).length === 0;
    const scope = this.scopeAfter(imposed, effectiveBy(['ScopeBroadened', 'ScopeNarrowed']));
    return { inForce, named: subjects.has(subject), scope };
  }

  /**
   * A grant's exemption for a subject at t, from its measure's standing events: its amendments effective by t applied
   * in valid-time order (ties in record order), up to the first revocation effective by t.
   */
  exemption(measureEvents: OracleEvent[], grant: OracleEvent, subject: string, t: number): OracleExemption {
    const id = grant.data.exemptionId;
    const changes = measureEvents
      .filter(
        (e) =>
          (e.type === 'ExemptionAmended' || e.type === 'ExemptionRevoked') &&
          e.data.exemptionId === id &&
          ms(e.data.effectiveFrom) <= t &&
          // It acts on the grant of its id that stood when it was recorded: not on one given again after it.
          actedOn(measureEvents, 'ExemptionGranted', 'exemptionId', id, e) === grant,
      )
      .sort((a, b) => ms(a.data.effectiveFrom) - ms(b.data.effectiveFrom) || a.position - b.position);
    const revokedBy = changes.find((e) => e.type === 'ExemptionRevoked');
    // A revocation ends every change to the exemption, whenever the amendments were recorded.
    const amendments = revokedBy ? changes.slice(0, changes.indexOf(revokedBy)) : changes;
    let categories = this.expand(grant.data.categories);
    let until: string | undefined = grant.data.effectiveUntil;
    const added = new Set<string>();
    const removed = new Set<string>();
    for (const amendment of amendments) {
      if (amendment.data.effectiveUntil !== undefined) until = amendment.data.effectiveUntil;
      categories = new Set([...categories, ...this.expand(amendment.data.addCategories)]);
      const drop = this.expand(amendment.data.removeCategories);
      categories = new Set([...categories].filter((p) => !drop.has(p)));
      for (const s of amendment.data.addSubjects ?? []) (added.add(s), removed.delete(s));
      for (const s of amendment.data.removeSubjects ?? []) (removed.add(s), added.delete(s));
    }
    const covers = removed.has(subject)
      ? false
      : added.has(subject)
        ? true
        : grant.data.subjects
          ? grant.data.subjects.includes(subject)
          : true;
    const inWindow = ms(grant.data.effectiveFrom) <= t && (until === undefined || t < ms(until));
    return { grant, amendments, revokedBy, categories, until, inWindow, covers };
  }

  static applies(exemption: OracleExemption): boolean {
    return !exemption.revokedBy && exemption.inWindow && exemption.covers;
  }

  /**
   * Since when a grant's exemption has applied to the subject without a break up to t (window, subjects, revocation;
   * not its measure's state), or undefined when it does not apply at t. It can change only at an instant an event names.
   */
  heldSince(measureEvents: OracleEvent[], grant: OracleEvent, subject: string, t: number): number | undefined {
    const holds = (u: number) => Oracle.applies(this.exemption(measureEvents, grant, subject, u));
    if (!holds(t)) return undefined;
    for (const point of Oracle.instants(measureEvents)
      .filter((i) => i <= t)
      .reverse())
      if (!holds(point - 1)) return point;
    return -Infinity;
  }

  /**
   * The subject's timeline from the events standing at some k: an interval from each instant where what each
   * measure restricts for it changes (from the first where anything is), until the next, so that what each
   * measure restricts holds throughout; each with that breakdown, and what became and stopped being restricted
   * at its start (nothing, where only the breakdown changed).
   */
  timeline(standing: OracleEvent[], subject: string): OracleInterval[] {
    const intervals: OracleInterval[] = [];
    let before: string[] = [];
    let breakdownBefore = '[]';
    for (const t of Oracle.instants(standing)) {
      const answer = this.answerFrom(standing, subject, t);
      const after = Oracle.union(answer).restricted;
      const restricted = [...answer.restricted]
        .filter(([, set]) => set.size > 0)
        .map(([measureId, set]) => [measureId, [...set].sort()] as [string, string[]])
        .sort();
      const breakdown = JSON.stringify(restricted);
      if (breakdown === breakdownBefore) continue;
      const last = intervals.at(-1);
      if (last) last.until = t;
      intervals.push({
        from: t,
        restricted,
        became: after.filter((p) => !before.includes(p)),
        stopped: before.filter((p) => !after.includes(p)),
      });
      before = after;
      breakdownBefore = breakdown;
    }
    return intervals;
  }

  /**
   * Since when a measure has restricted the subject without a break up to t, and since when exactly what it
   * restricts at t; undefined when it does not restrict it at t. Answers change only at instants events name.
   */
  restrictedSince(standing: OracleEvent[], subject: string, measureId: string, t: number) {
    const restricted = (u: number) => {
      const set = this.answerFrom(standing, subject, u).restricted.get(measureId);
      return set && [...set].sort().join(' ');
    };
    const now = restricted(t);
    if (now === undefined) return undefined;
    const earlier = Oracle.instants(standing)
      .filter((i) => i <= t)
      .reverse();
    const since = (holds: (u: number) => boolean) => earlier.find((i) => !holds(i - 1)) ?? -Infinity;
    return {
      restricted: since((u) => restricted(u) !== undefined),
      categories: since((u) => restricted(u) === now),
    };
  }

  /**
   * The start of the stretch under way at t during which the measure has restricted something for the subject (or,
   * where it restricts nothing at t, has been in force naming it): what an explanation's "restricts ... since" states.
   */
  stretchStart(standing: OracleEvent[], subject: string, measureId: string, t: number): number | undefined {
    const restricts = (u: number) => (this.answerFrom(standing, subject, u).restricted.get(measureId)?.size ?? 0) > 0;
    const names = (u: number) => this.answerFrom(standing, subject, u).scope.has(measureId);
    const holds = restricts(t) ? restricts : names;
    if (!holds(t)) return undefined;
    return Oracle.instants(standing)
      .filter((i) => i <= t)
      .reverse()
      .find((i) => !holds(i - 1));
  }

  /** The log had one event never been recorded: the event, and the retractions and corrections that target it. */
  static without(log: OracleEvent[], eventId: string): OracleEvent[] {
    return log.filter((e) => e.eventId !== eventId && e.data.eventId !== eventId);
  }

  /** Every instant any event names (its own dates, or those of a replacement): the only instants at which an answer can change. */
  static instants(log: OracleEvent[]): number[] {
    const found = new Set<number>();
    const collect = (data: Record<string, any> | undefined) => {
      for (const field of ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'])
        if (typeof data?.[field] === 'string') found.add(ms(data[field]));
    };
    for (const event of log) (collect(event.data), collect(event.data.replacement));
    return [...found].sort((a, b) => a - b);
  }

  /** The subject's state over all measures as replay shows it: restricted, exempt and pending (every pending item), as sorted lists. */
  static union(answer: OracleAnswer): { restricted: string[]; exempt: string[]; pending: string[] } {
    const all = (sets: Iterable<Set<string>>) => [...new Set([...sets].flatMap((set) => [...set]))].sort();
    return {
      restricted: all(answer.restricted.values()),
      exempt: all(answer.exempt.values()),
      pending: [...answer.announced].sort(),
    };
  }

  /** restricted / partially-restricted / not-restricted, over the universe. */
  status(answer: OracleAnswer, category: string): string {
    const below = [...this.expand([category])];
    const all = new Set([...answer.restricted.values()].flatMap((s) => [...s]));
    const inSet = below.filter((p) => all.has(p)).length;
    return inSet === below.length ? 'restricted' : inSet > 0 ? 'partially-restricted' : 'not-restricted';
  }
}
