/**
 * A subject's history replayed step by step: every event of every measure
 * that named the subject, with its provenance and the subject's state before
 * and after it, as a diff of what became (or stopped being) restricted,
 * exempt or pending.
 *
 * In record order a step is the knowledge an event added: the state at the
 * valid time it concerns, as known just before it and just after it, and
 * every interval of valid time whose state it changed (an end date moved
 * changes the state far from the event's own instant). In
 * valid order a step is a change in force: the state just before and at the
 * instant it takes effect, as known at `asOfPosition`.
 */
import { effectiveFromOf, subjectsNamedIn, type DataOf, type ReadableFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import type { EventType } from '../src/domain/messages.js';
import { comparePositions, positionText } from '../src/domain/position.js';
import { toMillis } from '../src/domain/time.js';
import { measureIdsOfSubject, measuresOfSubject, type LedgerReadModel } from './ledger-read-model.js';
import { MeasureContribution, NOTHING, type Contribution } from './measure-contribution.js';
import { MeasureFollower } from './measure-follower.js';
import {
  changesOfPaced,
  snapshotPaced,
  type Changes,
  type Snapshot,
  type ValidTimeChange,
} from './replay-snapshots.js';
import { finish, sameState, SubjectTransitions, unionOf, type Cause } from './transitions.js';
import { changedIntervals, RecordsSoFar, type ChangedInterval } from './valid-time-changes.js';

export type { Cause } from './transitions.js';
export { changesBetween, snapshotOf, type Changes, type Snapshot, type ValidTimeChange } from './replay-snapshots.js';

export type ReplayOrder = 'record' | 'valid';

export interface ReplayOptions {
  order: ReplayOrder;
  asOfPosition: bigint;
  /** Record order only: one valid time for every step, instead of each event's own. */
  at?: number;
  /**
   * Bounds on record time (record order) or valid time (valid order), epoch ms: the half-open window
   * [from, to), as the timeline's, so a step at exactly `to` is left out.
   */
  from?: number;
  to?: number;
}

export interface ReplayStep {
  /** The one event the step is (record order, an unchanged step, or a change with a single cause); null otherwise. */
  position: string | null;
  recordedAt: string | null;
  eventId: string | null;
  type: string | null;
  measureId: string | null;
  /** The valid time this step concerns. */
  effectiveAt: string;
  citation?: string;
  before: Snapshot;
  after: Snapshot;
  changes: Changes;
  /**
   * Record order only: every valid-time interval whose state the event
   * changed, as known just before and just after it (empty exactly when the
   * step is unchanged). `changes` is what changed at `effectiveAt` alone.
   */
  changedIntervals?: ValidTimeChange[];
  /** Nothing about the subject changed at this step: at no valid time, in record order. */
  unchanged: boolean;
  /** The events without which this change would not happen (empty for an unchanged step). */
  causes: Cause[];
}

export interface Replay {
  subjectId: string;
  order: ReplayOrder;
  asOfPosition: string;
  steps: ReplayStep[];
}

/** The valid time an event concerns: when it takes effect, or when what it retracts or corrects did. */
export function effectiveInstantOf(fact: ReadableFact, facts: ReadableFact[] | Map<string, ReadableFact>): string {
  const own = ownInstantOf(fact.data);
  if (own) return own;
  if (fact.type === 'EntryRetracted' || fact.type === 'EntryCorrected') {
    const targetId = fact.data.eventId;
    const target = facts instanceof Map ? facts.get(targetId) : facts.find((f) => f.eventId === targetId);
    const replaced = fact.type === 'EntryCorrected' ? effectiveFromOf(fact.data.replacement) : undefined;
    const times = [replaced, target ? effectiveInstantOf(target, facts) : undefined].filter(
      (t): t is string => t !== undefined,
    );
    if (times.length) return times.reduce((a, b) => (toMillis(a) <= toMillis(b) ? a : b));
  }
  return fact.recordedAt;
}

/** When an event takes effect, is announced or is withdrawn, as its own payload says. */
function ownInstantOf(data: DataOf<EventType>): string | undefined {
  if ('effectiveFrom' in data) return data.effectiveFrom;
  if ('announcedAt' in data) return data.announcedAt;
  if ('withdrawnAt' in data) return data.withdrawnAt;
  return undefined;
}

interface Recorded {
  fact: ReadableFact;
  measureId: string;
  effectiveMs: number;
}

/**
 * Every recorded event (up to the position) of every measure that had named
 * the subject by then, with the valid time it concerns. A measure naming it
 * later is not known to concern it at the position, so a later write leaves
 * this answer as it was.
 */
function recordedOf(model: LedgerReadModel, subjectId: string, asOfPosition: bigint): Recorded[] {
  const recorded: Recorded[] = [];
  for (const measureId of measureIdsOfSubject(model, subjectId, asOfPosition)) {
    const measureFacts = model.measures.get(measureId)?.facts ?? [];
    const byId = new Map(measureFacts.map((f) => [f.eventId, f]));
    for (const fact of measureFacts) {
      if (fact.position > asOfPosition) break;
      recorded.push({ fact, measureId, effectiveMs: toMillis(effectiveInstantOf(fact, byId)) });
    }
  }
  return recorded;
}

/**
 * The events that take effect in valid time as known at the position, each at
 * the instant it stands at: a corrected event where its correction put it,
 * with the correction (what made it stand there) beside it. A retracted event,
 * and every event of a measure whose imposition is retracted (`measuresOfSubject`
 * leaves it out), takes effect nowhere; a retraction is a change in record time
 * only, so it has no instant of its own.
 */
function standingOf(histories: MeasureHistory[]): Recorded[] {
  const standing: Recorded[] = [];
  for (const history of histories) {
    for (const fact of history.facts) {
      const effectiveMs = toMillis(ownInstantOf(fact.data) ?? fact.recorded.recordedAt);
      standing.push({ fact: fact.recorded, measureId: history.measureId, effectiveMs });
      if (fact.correctedBy) standing.push({ fact: fact.correctedBy, measureId: history.measureId, effectiveMs });
    }
  }
  return standing;
}

/**
 * Whether a standing event of the measure names the subject, as known at the position: a measure that named it only
 * in an event since retracted, or since corrected to name others, never named it, and its events are no steps of the
 * subject's. (Such a correction is still tried as a cause where the subject's state changes: left out, the subject
 * would be back in the measure.)
 */
function namesAsKnown(history: MeasureHistory, subjectId: string): boolean {
  return history.facts.some((fact) => subjectsNamedIn(fact.data).includes(subjectId));
}

const inRange = (ms: number, options: ReplayOptions) =>
  (options.from === undefined || ms >= options.from) && (options.to === undefined || ms < options.to);

export function replaySubject(model: LedgerReadModel, subjectId: string, options: ReplayOptions): Replay {
  return finish(replaySubjectSteps(model, subjectId, options));
}

/**
 * `replaySubject`, pausing (yielding) between steps and between the events
 * tried as causes: a subject with thousands of events takes a while, and a
 * server lets other requests run at each pause.
 */
export function* replaySubjectSteps(
  model: LedgerReadModel,
  subjectId: string,
  options: ReplayOptions,
): Generator<void, Replay> {
  const steps =
    options.order === 'valid'
      ? yield* validOrder(model, subjectId, options)
      : yield* recordOrder(model, subjectId, options);
  return { subjectId, order: options.order, asOfPosition: options.asOfPosition.toString(), steps };
}

/** One step per transition, and an unchanged step per event effective where nothing changes. */
function* validOrder(model: LedgerReadModel, subjectId: string, options: ReplayOptions): Generator<void, ReplayStep[]> {
  const asOf = options.asOfPosition.toString();
  const histories = measuresOfSubject(model, subjectId, options.asOfPosition);
  const byInstant = new Map<number, Recorded[]>();
  const named = histories.filter((history) => namesAsKnown(history, subjectId));
  for (const r of standingOf(named)) byInstant.set(r.effectiveMs, [...(byInstant.get(r.effectiveMs) ?? []), r]);
  const transitions = yield* SubjectTransitions.built(histories, subjectId);
  yield;
  const steps: ReplayStep[] = [];
  for (const instant of transitions.walk(byInstant.keys())) {
    if (!inRange(instant.t, options)) continue;
    yield;
    // Kept as category sets until the answer is written: parsing written sets back costs as much as the sets are deep.
    const [was, is] = [unionOf(instant.before), unionOf(instant.after)];
    if (!sameState(was, is, 'all')) {
      const changes = yield* changesOfPaced(was, is);
      const before = yield* snapshotPaced(was, instant.t - 1, asOf);
      const after = yield* snapshotPaced(is, instant.t, asOf);
      const causes = yield* transitions.causeSteps(instant, 'all');
      const single = causes.length === 1 ? causes[0]! : undefined;
      steps.push({
        position: single?.position ?? null,
        recordedAt: single?.recordedAt ?? null,
        eventId: single?.eventId ?? null,
        type: single?.type ?? null,
        measureId: single?.measureId ?? null,
        effectiveAt: new Date(instant.t).toISOString(),
        ...(single?.citation ? { citation: single.citation } : {}),
        before,
        after,
        changes,
        unchanged: false,
        causes,
      });
      continue;
    }
    const here = (byInstant.get(instant.t) ?? []).sort((a, b) => comparePositions(a.fact.position, b.fact.position));
    if (!here.length) continue;
    const changes = yield* changesOfPaced(was, is);
    const before = yield* snapshotPaced(was, instant.t - 1, asOf);
    const after = yield* snapshotPaced(is, instant.t, asOf);
    for (const r of here) steps.push({ ...eventFields(r), before, after, changes, unchanged: true, causes: [] });
  }
  return steps;
}

/**
 * One step per recorded event, in record order: the state at the valid time it
 * concerns as known just before and just after it, and every valid-time
 * interval whose state it changed (an end date moved changes the state away
 * from the event's own instant). A step is unchanged only when no valid time's
 * state changed. Measures are followed as the walk goes, each record moving
 * only its own measure on.
 */
function* recordOrder(
  model: LedgerReadModel,
  subjectId: string,
  options: ReplayOptions,
): Generator<void, ReplayStep[]> {
  const recorded = recordedOf(model, subjectId, options.asOfPosition).sort((a, b) =>
    comparePositions(a.fact.position, b.fact.position),
  );
  const known = new Map<string, MeasureContribution>();
  const followers = new Map<string, MeasureFollower>();
  const seen = new RecordsSoFar(subjectId);
  const steps: ReplayStep[] = [];
  for (const r of recorded) {
    yield;
    const position = r.fact.position;
    const t = options.at ?? r.effectiveMs;
    const shown = inRange(Date.parse(r.fact.recordedAt), options);
    seen.add(r.fact);
    // The measure as known just before this record, read before the follower moves it on.
    const previous = known.get(r.measureId);
    const previousPart = shown ? (previous?.at(t) ?? NOTHING) : NOTHING;
    const instants = shown ? seen.instantsFrom(seen.earliestTouchedBy(r.fact)) : [];
    const previousParts = instants.map((instant) => previous?.at(instant) ?? NOTHING);
    if (!followers.has(r.measureId)) followers.set(r.measureId, new MeasureFollower(model, r.measureId, subjectId));
    const current = followers.get(r.measureId)!.advance(r.fact);
    if (current) known.set(r.measureId, current);
    else known.delete(r.measureId);
    if (!shown) continue;
    const othersAt = (instant: number) => {
      const others: Contribution[] = [];
      for (const [measureId, measure] of known) if (measureId !== r.measureId) others.push(measure.at(instant));
      return others;
    };
    const others = othersAt(t);
    const beforeAt = (position - 1n).toString();
    const afterAt = position.toString();
    const was = unionOf([...others, previousPart]);
    const is = unionOf([...others, current?.at(t) ?? NOTHING]);
    const intervals: ValidTimeChange[] = [];
    for (const interval of changedIntervals(
      instants,
      previousParts,
      (instant) => current?.at(instant) ?? NOTHING,
      othersAt,
    ))
      intervals.push(yield* intervalOf(interval, beforeAt, afterAt));
    const unchanged = intervals.length === 0;
    // Left out, the record would change nothing: it causes whatever its step changed.
    const role = r.fact.type === 'EntryRetracted' || ENDING.has(r.fact.type) ? 'ends' : 'starts';
    const causes: Cause[] = unchanged
      ? []
      : [
          {
            eventId: r.fact.eventId,
            type: r.fact.type,
            measureId: r.measureId,
            position: positionText(r.fact.position),
            recordedAt: r.fact.recordedAt,
            ...citationOf(r.fact),
            role,
          },
        ];
    steps.push({
      ...eventFields(r),
      effectiveAt: new Date(r.effectiveMs).toISOString(),
      before: yield* snapshotPaced(was, t, beforeAt),
      after: yield* snapshotPaced(is, t, afterAt),
      changes: yield* changesOfPaced(was, is),
      changedIntervals: intervals,
      unchanged,
      causes,
    });
  }
  return steps;
}

/** A changed interval as the answer writes it, pausing between its sets (each can be thousands of categories). */
function* intervalOf(interval: ChangedInterval, beforeAt: string, afterAt: string): Generator<void, ValidTimeChange> {
  const before = yield* snapshotPaced(interval.before, interval.from, beforeAt);
  return {
    from: before.at,
    until: interval.until === undefined ? null : new Date(interval.until).toISOString(),
    before,
    after: yield* snapshotPaced(interval.after, interval.from, afterAt),
    changes: yield* changesOfPaced(interval.before, interval.after),
  };
}

const ENDING = new Set(['RestrictionLifted', 'ExemptionRevoked', 'SubjectsRemoved', 'AnnouncementWithdrawn']);

function citationOf(fact: ReadableFact): { citation?: string } {
  const citation = fact.data.citation;
  return citation ? { citation } : {};
}

function eventFields(r: Recorded) {
  return {
    position: positionText(r.fact.position),
    recordedAt: r.fact.recordedAt,
    eventId: r.fact.eventId,
    type: r.fact.type,
    measureId: r.measureId,
    effectiveAt: new Date(r.effectiveMs).toISOString(),
    ...citationOf(r.fact),
  };
}
