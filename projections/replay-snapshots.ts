/**
 * The words of a replay step: the subject's state as a snapshot (restricted,
 * exempt, pending) at a valid time and a position, and the changes from one
 * snapshot to another.
 */
import { CategorySet, type CategorySetAnswer } from '../src/domain/categories.js';
import type { Contribution } from './measure-contribution.js';
import type { SubjectState } from './subject-queries.js';

export interface Snapshot {
  at: string;
  asOfPosition: string;
  restricted: CategorySetAnswer;
  exempt: CategorySetAnswer;
  /** `<measureId>/<announcementId or "imposition">`. */
  pending: string[];
}

export interface Changes {
  became: { restricted: CategorySetAnswer; exempt: CategorySetAnswer; pending: string[] };
  stopped: { restricted: CategorySetAnswer; exempt: CategorySetAnswer; pending: string[] };
}

/** What a record changed in one interval of valid time, the states the same throughout it. */
export interface ValidTimeChange {
  from: string;
  /** Exclusive; null: from `from` on (as a timeline interval's `until`). */
  until: string | null;
  before: Snapshot;
  after: Snapshot;
  changes: Changes;
}

export function snapshotOf(state: SubjectState): Snapshot {
  const restricted = state.restricted.reduce((set, r) => set.union(CategorySet.fromAnswer(r)), CategorySet.EMPTY);
  const exempt = state.exemptions.reduce((set, e) => set.union(CategorySet.fromAnswer(e)), CategorySet.EMPTY);
  const pending = state.pending.map((p) => `${p.measureId}/${p.announcementId ?? 'imposition'}`).sort();
  return {
    at: state.at,
    asOfPosition: state.asOfPosition,
    restricted: restricted.toAnswer(),
    exempt: exempt.toAnswer(),
    pending,
  };
}

export function changesBetween(before: Snapshot, after: Snapshot): Changes {
  const set = (json: CategorySetAnswer) => CategorySet.fromAnswer(json);
  const gained = (a: CategorySetAnswer, b: CategorySetAnswer) => set(b).difference(set(a)).toAnswer();
  return {
    became: {
      restricted: gained(before.restricted, after.restricted),
      exempt: gained(before.exempt, after.exempt),
      pending: after.pending.filter((p) => !before.pending.includes(p)),
    },
    stopped: {
      restricted: gained(after.restricted, before.restricted),
      exempt: gained(after.exempt, before.exempt),
      pending: before.pending.filter((p) => !after.pending.includes(p)),
    },
  };
}

/** `changesBetween` for two states still held as category sets: no answer is parsed back. */
export function changesOf(before: Contribution, after: Contribution): Changes {
  return {
    became: {
      restricted: after.restricted.difference(before.restricted).toAnswer(),
      exempt: after.exempt.difference(before.exempt).toAnswer(),
      pending: after.pending.filter((p) => !before.pending.includes(p)),
    },
    stopped: {
      restricted: before.restricted.difference(after.restricted).toAnswer(),
      exempt: before.exempt.difference(after.exempt).toAnswer(),
      pending: before.pending.filter((p) => !after.pending.includes(p)),
    },
  };
}

/**
 * `changesOf`, pausing (yielding) after each set is worked out and written:
 * a measure of thousands of deep categories takes a while for each.
 */
export function* changesOfPaced(before: Contribution, after: Contribution): Generator<void, Changes> {
  const written = function* (set: CategorySet): Generator<void, CategorySetAnswer> {
    yield;
    return set.toAnswer();
  };
  const becameRestricted = yield* written(after.restricted.difference(before.restricted));
  const stoppedRestricted = yield* written(before.restricted.difference(after.restricted));
  const becameExempt = yield* written(after.exempt.difference(before.exempt));
  const stoppedExempt = yield* written(before.exempt.difference(after.exempt));
  return {
    became: {
      restricted: becameRestricted,
      exempt: becameExempt,
      pending: after.pending.filter((p) => !before.pending.includes(p)),
    },
    stopped: {
      restricted: stoppedRestricted,
      exempt: stoppedExempt,
      pending: before.pending.filter((p) => !after.pending.includes(p)),
    },
  };
}

/** `snapshot`, pausing before each set is written. */
export function* snapshotPaced(state: Contribution, at: number, asOfPosition: string): Generator<void, Snapshot> {
  yield;
  const restricted = state.restricted.toAnswer();
  yield;
  const exempt = state.exempt.toAnswer();
  return { at: new Date(at).toISOString(), asOfPosition, restricted, exempt, pending: state.pending };
}

export function snapshot(state: Contribution, at: number, asOfPosition: string): Snapshot {
  return {
    at: new Date(at).toISOString(),
    asOfPosition,
    restricted: state.restricted.toAnswer(),
    exempt: state.exempt.toAnswer(),
    pending: state.pending,
  };
}

export function isEmpty(changes: Changes): boolean {
  const none = (side: Changes['became']) =>
    !side.restricted.categories.length && !side.exempt.categories.length && !side.pending.length;
  return none(changes.became) && none(changes.stopped);
}
