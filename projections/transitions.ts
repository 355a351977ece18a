/**
 * The transitions of one subject in valid time, as known at one position:
 * every instant at which what restricts it, exempts it or is pending for it
 * changes, and the events that cause each change.
 *
 * The subject's state only changes at an instant some standing event names
 * (an effectiveFrom, effectiveUntil, announcedAt or withdrawnAt), so walking
 * those instants in order, with the state between two of them read once,
 * finds every transition: lapses and ends of windows included.
 *
 * An event causes a change when, left out alone, the change at that instant
 * would differ (DOMAIN.md "Replay and explanations"); a replay step's change
 * is tested part by part (restricted, exempt, pending: each part that changes
 * credited to the events that change it, the step's causes theirs together),
 * so that one part's cause found alone does not hide another's found only
 * jointly (cause-credit.ts). Only events with an
 * instant equal to the change's (their own, or that of the grant they amend)
 * are tried. A correction is tried too, at the instants of the fact it
 * corrects as it stands and as it stood before: left out, that fact keeps its
 * earlier payload (a start it moved, categories it changed), which can remove
 * or move the change; one that changed only a title changes nothing. When no
 * single event makes a difference (two measures imposing the same categories
 * on the same day), the change is credited to the events without which their
 * own measure's part of it would differ, and failing those, to the events of
 * a measure that only together make a difference. The timeline's change is
 * what became and stopped being restricted: there, these are looked for in
 * those categories alone (restricted or exempt in them), never in what is
 * pending, which has no legal effect. Where the restricted set stays the same
 * but what a measure restricts changes (a new timeline interval all the same),
 * the change is that breakdown's, and its causes the events without which a
 * measure's own part of it would differ.
 */
import type { StandingFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { toMillis } from '../src/domain/time.js';
import {
  causeOf,
  creditedCauses,
  type Candidate,
  type Cause,
  type CauseOptions,
  type Instant,
  type Tried,
} from './cause-credit.js';
import { MeasureContribution, type Contribution } from './measure-contribution.js';
import { sameState, unionOf, type Aspect } from './state-changes.js';
import { correctionsOf, WithoutCorrection } from './without-correction.js';

export type { Cause, CauseOptions, Instant } from './cause-credit.js';
// Where the states are compared; the queries read them from here with the walk.
export { sameState, unionOf, type Aspect } from './state-changes.js';

const ENDING_TYPES = new Set<string>([
  'RestrictionLifted',
  'ExemptionRevoked',
  'SubjectsRemoved',
  'AnnouncementWithdrawn',
]);
const STARTING_FIELDS = ['effectiveFrom', 'announcedAt', 'withdrawnAt'] as const;
const ENDING_FIELDS = ['effectiveUntil'] as const;

function instantsOf(fact: StandingFact, fields: readonly string[]): number[] {
  const data: object = fact.data;
  const instants: number[] = [];
  for (const field of fields) {
    const value: unknown = Reflect.get(data, field);
    if (typeof value === 'string') instants.push(toMillis(value));
  }
  return instants;
}

/** Events indexed between two pauses of `SubjectTransitions.built`. */
const EVENTS_PER_STEP = 256;

export class SubjectTransitions {
  readonly measures: MeasureContribution[];
  /** Every instant some standing event names, ascending. */
  instants: number[] = [];
  private readonly candidates = new Map<number, Candidate[]>();
  /** Per measure, its contributions with one correction left out (made when a correction is first tried). */
  private readonly withoutCorrection: WithoutCorrection[];

  /** Indexed at once; `built` does the same in steps. */
  constructor(
    histories: MeasureHistory[],
    private readonly subjectId: string,
    indexNow = true,
  ) {
    this.measures = histories.filter((h) => h.exists).map((h) => new MeasureContribution(h, subjectId));
    this.withoutCorrection = this.measures.map((m) => new WithoutCorrection(m.history, subjectId));
    if (indexNow) finish(this.index());
  }

  /** The transitions, indexed pausing (yielding) every few hundred events: a long measure takes a while. */
  static *built(histories: MeasureHistory[], subjectId: string): Generator<void, SubjectTransitions> {
    const transitions = new SubjectTransitions(histories, subjectId, false);
    yield* transitions.index();
    return transitions;
  }

  private *index(): Generator<void> {
    const subjectId = this.subjectId;
    const all = new Set<number>();
    let looked = 0;
    // The events already candidates at each instant: one instant can have thousands (every addition on one day).
    const listed = new Map<number, Set<object>>();
    for (const [index, measure] of this.measures.entries()) {
      const add = (t: number, candidate: Candidate, walked = true) => {
        if (walked) all.add(t);
        const events = listed.get(t) ?? listed.set(t, new Set()).get(t)!;
        const event = candidate.correction?.by ?? candidate.fact;
        if (events.has(event)) return;
        events.add(event);
        const list = this.candidates.get(t) ?? [];
        list.push({ ...candidate, role: ENDING_TYPES.has(candidate.fact.recorded.type) ? 'ends' : candidate.role });
        this.candidates.set(t, list);
      };
      /** The instants a fact is tried at: its own, and an amendment's or revocation's also those of the grant it amends. */
      const tryAt = (fact: StandingFact, each: (t: number, role: Cause['role']) => void) => {
        for (const source of [fact, ...measure.grantsOf(fact)]) {
          for (const t of instantsOf(source, STARTING_FIELDS)) each(t, 'starts');
          for (const t of instantsOf(source, ENDING_FIELDS)) each(t, 'ends');
        }
      };
      for (const fact of measure.history.facts) {
        if (++looked % EVENTS_PER_STEP === 0) yield;
        // Another subject's membership changes neither change this subject's state nor can be its causes.
        if (!measure.mayChange(fact)) continue;
        tryAt(fact, (t, role) => add(t, { index, fact, role }));
      }
      for (const correction of correctionsOf(measure.history)) {
        const { fact, previous } = correction;
        if (![fact, previous].some((f) => measure.mayChange(f) || namesSubject(f, subjectId))) continue;
        tryAt(fact, (t, role) => add(t, { index, fact, role, correction }));
        // The instants only the earlier version names are not the subject's own: the state cannot change there.
        tryAt(previous, (t, role) => add(t, { index, fact, role, correction }, false));
      }
    }
    this.instants = [...all].sort((a, b) => a - b);
  }

  contributionsAt(t: number): Contribution[] {
    return this.measures.map((m) => m.at(t));
  }

  /**
   * Each instant of `extra` and of the subject's own, ascending, with the state
   * just before and at it. The state is constant between two instants of the
   * subject's own, so the state at one is the state just before the next.
   */
  *walk(extra: Iterable<number> = []): Generator<Instant> {
    const instants = [...new Set([...this.instants, ...extra])].sort((a, b) => a - b);
    if (!instants.length) return;
    let previous = this.contributionsAt(instants[0]! - 1);
    for (const t of instants) {
      const after = this.contributionsAt(t);
      yield { t, before: previous, after };
      previous = after;
    }
  }

  /**
   * The events that cause the change at an instant (none if nothing changes
   * in the aspect): those that, left out alone, would change it. When no
   * single event would (the change is overdetermined: two measures imposing
   * the same categories on the same day, a subject removed the day its scope
   * empties), the events are credited that would change their own measure's
   * part of it (for `restricted`, then those that would change what is exempt
   * in the categories whose restriction changed, for the subject or in their
   * measure), then the events of a measure that only together would.
   */
  causes(instant: Instant, aspect: Aspect, options: CauseOptions = {}): Cause[] {
    return finish(this.causeSteps(instant, aspect, options));
  }

  /** `causes`, pausing after each candidate event tried: an instant most events share can have thousands. */
  *causeSteps(instant: Instant, aspect: Aspect, options: CauseOptions = {}): Generator<void, Cause[]> {
    const { t, before, after } = instant;
    const whole = { before: unionOf(before), after: unionOf(after) };
    // The subject's restricted set unchanged, the measures' shares of it may still change (one lifted, another
    // restricting the same categories): then the change is the breakdown's, and the causes those of each share.
    const breakdown =
      options.breakdown === true && aspect === 'restricted' && sameState(whole.before, whole.after, aspect);
    if (breakdown && before.every((part, i) => part.restricted.equals(after[i]!.restricted))) return [];
    if (!breakdown && sameState(whole.before, whole.after, aspect)) return [];
    // The one event that may change the subject at the instant causes what changes there: left out, nothing could
    // (the state changes only at instants its events name). Most instants are one exemption's end, one broadening.
    // A correction is tried instead: left out, its earlier version may name the instant too.
    const only = this.candidates.get(t);
    if (only?.length === 1 && !only[0]!.correction) return [causeOf(this.measures[only[0]!.index]!, only[0]!)];
    const tried: Tried[] = [];
    let inertSincePause = 0;
    for (const candidate of this.candidates.get(t) ?? []) {
      const measure = this.measures[candidate.index]!;
      // The first correction of a measure tried folds a measure of its own to try it on: a pause after that.
      if (candidate.correction && this.withoutCorrection[candidate.index]!.prepare(candidate.correction)) yield;
      const [justBefore, at] = candidate.correction
        ? this.withoutCorrection[candidate.index]!.at(candidate.correction, [t - 1, t])
        : [measure.at(t - 1, candidate.fact), measure.at(t, candidate.fact)];
      const without = [justBefore!, at!] as const;
      // The very contributions with nothing left out: the event bears on other subjects, and neither tier can credit it.
      // A correction left out gives contributions of its own: inert when they are the same states (a title corrected).
      const inert = candidate.correction
        ? sameState(without[0], measure.at(t - 1), 'all') && sameState(without[1], measure.at(t), 'all')
        : without[0] === measure.at(t - 1) && without[1] === measure.at(t);
      tried.push({ ...candidate, without, inert });
      // Inert ones are cheap, but a day on which thousands of subjects were added has thousands of them.
      if (!inert || ++inertSincePause % INERT_PER_PAUSE === 0) yield;
    }
    return yield* creditedCauses(this.measures, instant, tried, aspect, breakdown);
  }
}

const INERT_PER_PAUSE = 256;

/** Runs a computation that pauses (see `causeSteps`) to its end without pausing. */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Whether a membership change names the subject: left out, or restored by leaving out a correction, it changes its state. */
function namesSubject(fact: StandingFact, subjectId: string): boolean {
  return (fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved') && fact.data.subjects.includes(subjectId);
}
