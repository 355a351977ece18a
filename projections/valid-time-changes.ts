/**
 * What one record changed across valid time, for a replay in record order: the
 * valid-time intervals in which the subject's state as known just after the
 * record differs from the state as known just before it.
 *
 * A record can change what is true at instants other than the one it names:
 * a correction or an amendment that moves an exemption's end changes the
 * state between the old end and the new one, not at its own effectiveFrom.
 * A state only changes at an instant some recorded event names, so comparing
 * the two states at every such instant (and holding each comparison until the
 * next instant) finds every interval. Instants before the earliest one the
 * record can touch are skipped: the state there is the same either side.
 */
import { isAmending, type ReadableFact } from '../src/domain/facts.js';
import type { Contribution } from './measure-contribution.js';
import { sameState, unionOf } from './transitions.js';
import { toMillis } from './valid-time-lists.js';

const INSTANT_FIELDS = ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'] as const;

/** The instants a payload (and the replacement it carries, if a correction) names. */
function instantsNamedBy(data: object | undefined): number[] {
  if (!data) return [];
  const instants: number[] = [];
  for (const field of INSTANT_FIELDS) {
    const value: unknown = Reflect.get(data, field);
    if (typeof value === 'string') instants.push(toMillis(value));
  }
  const replacement: unknown = Reflect.get(data, 'replacement');
  if (replacement && typeof replacement === 'object') instants.push(...instantsNamedBy(replacement));
  return instants;
}

/**
 * The records of the subject's measures seen so far in record order: every
 * instant they name, ascending, and what retractions and corrections need to
 * find the events they touch.
 */
export class RecordsSoFar {
  private readonly instants: number[] = [];
  private readonly byId = new Map<string, ReadableFact>();
  private readonly correctionsOf = new Map<string, ReadableFact[]>();

  constructor(private readonly subjectId: string) {}

  add(fact: ReadableFact): void {
    for (const t of instantsNamedBy(fact.data)) this.insert(t);
    this.byId.set(fact.eventId, fact);
    if (fact.type === 'EntryCorrected') {
      const list = this.correctionsOf.get(fact.data.eventId) ?? [];
      list.push(fact);
      this.correctionsOf.set(fact.data.eventId, list);
    }
  }

  /** The instants named so far at or after `from`, ascending. */
  instantsFrom(from: number): number[] {
    let low = 0;
    let high = this.instants.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.instants[mid]! < from) low = mid + 1;
      else high = mid;
    }
    return this.instants.slice(low);
  }

  /**
   * The earliest valid time at which a record (added already) can change the
   * subject's state: the earliest instant named by it, by the events it
   * retracts or corrects (down the chain) and by their corrections, whose
   * payloads it may bring back. An imposition touched makes it every instant:
   * its subjects and announcement bear on what is pending before it takes
   * effect. Another subject's membership change (enacting nothing) touches
   * none: most records of a long measure are those.
   */
  earliestTouchedBy(fact: ReadableFact): number {
    let earliest = Infinity;
    const seen = new Set<string>();
    const consider = (type: string, data: object) => {
      if (type === 'RestrictionImposed') earliest = -Infinity;
      if (!this.bears(type, data)) return;
      for (const t of instantsNamedBy(data)) earliest = Math.min(earliest, t);
    };
    const visit = (f: ReadableFact) => {
      if (seen.has(f.eventId)) return;
      seen.add(f.eventId);
      const target = isAmending(f) ? this.byId.get(f.data.eventId) : undefined;
      if (f.type === 'EntryCorrected') consider(target?.type ?? 'RestrictionImposed', f.data.replacement);
      else if (!isAmending(f)) consider(f.type, f.data);
      for (const correction of this.correctionsOf.get(f.eventId) ?? []) visit(correction);
      if (target) visit(target);
    };
    visit(fact);
    return earliest;
  }

  /** Whether a payload of this type can bear on the subject at all. */
  private bears(type: string, data: object): boolean {
    if (type !== 'SubjectsAdded' && type !== 'SubjectsRemoved') return true;
    const subjects: unknown = Reflect.get(data, 'subjects');
    return Reflect.get(data, 'enacts') !== undefined || !Array.isArray(subjects) || subjects.includes(this.subjectId);
  }

  private insert(t: number): void {
    let low = 0;
    let high = this.instants.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.instants[mid]! < t) low = mid + 1;
      else high = mid;
    }
    if (this.instants[low] !== t) this.instants.splice(low, 0, t);
  }
}

export interface ChangedInterval {
  /** Epoch ms. */
  from: number;
  /** Epoch ms, exclusive; undefined: from `from` on. */
  until?: number;
  before: Contribution;
  after: Contribution;
}

/**
 * The intervals, from the instants given on, in which the subject's state
 * differs between the record's measure as it was (`ownBefore`, one per
 * instant) and as it is (`ownAfter`), the other measures unchanged. Adjacent
 * intervals with the same states either side are one.
 */
export function changedIntervals(
  instants: number[],
  ownBefore: Contribution[],
  ownAfter: (t: number) => Contribution,
  others: (t: number) => Contribution[],
): ChangedInterval[] {
  const intervals: ChangedInterval[] = [];
  instants.forEach((t, index) => {
    const was = ownBefore[index]!;
    const is = ownAfter(t);
    // The measure's own part unchanged: the whole state is too.
    if (was === is || sameState(unionOf([was]), unionOf([is]), 'all')) return;
    const around = others(t);
    const before = unionOf([...around, was]);
    const after = unionOf([...around, is]);
    if (sameState(before, after, 'all')) return;
    const until = instants[index + 1];
    const last = intervals.at(-1);
    if (last && last.until === t && sameState(last.before, before, 'all') && sameState(last.after, after, 'all'))
      last.until = until;
    else intervals.push({ from: t, ...(until !== undefined ? { until } : {}), before, after });
  });
  return intervals;
}
