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
 * would differ (DOMAIN.md "Replay and explanations"). Only events with an
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
import type { CategorySet } from '../src/domain/categories.js';
import { positionText } from '../src/domain/position.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import type { EventType } from '../src/domain/messages.js';
import { toMillis } from '../src/domain/time.js';
import { MeasureContribution, type Contribution } from './measure-contribution.js';
import {
  changeDiffers,
  changeOf,
  isNoChange,
  sameChange,
  sameState,
  unionOf,
  type Aspect,
  type StateChange,
} from './state-changes.js';
import { correctionsOf, WithoutCorrection, type Correction } from './without-correction.js';

// Where the states are compared; the queries read them from here with the walk.
export { sameState, unionOf, type Aspect } from './state-changes.js';

export interface Cause {
  eventId: string;
  type: EventType;
  measureId: string;
  position: string;
  recordedAt: string;
  citation?: string;
  /** Whether the event starts something at the instant (takes effect) or ends something (a window closes, a lift, a revocation, a withdrawal). */
  role: 'starts' | 'ends';
}

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

export interface Instant {
  t: number;
  /** Each measure's contribution just before t and at t. */
  before: Contribution[];
  after: Contribution[];
}

/** An event tried as a cause at an instant: a standing fact, or the latest correction of one. */
interface Candidate {
  index: number;
  fact: StandingFact;
  role: Cause['role'];
  correction?: Correction;
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
    const tried: (Candidate & { without: readonly [Contribution, Contribution]; inert: boolean })[] = [];
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
    const replaced = (parts: Contribution[], index: number, part: Contribution) =>
      parts.map((p, i) => (i === index ? part : p));
    // Each aspect's change worked out when first compared: the timeline's usually settles on 'restricted' alone.
    const changes = new Map<Aspect, StateChange>();
    const actual = (a: Aspect) => changes.get(a) ?? changes.set(a, changeOf(whole.before, whole.after, a)).get(a)!;
    type Tried = (typeof tried)[number];
    const views: Record<View, { is: (c: Tried) => States; without: (c: Tried) => States }> = {
      // the subject's state
      whole: {
        is: () => whole,
        without: (c) => ({
          before: unionOf(replaced(before, c.index, c.without[0])),
          after: unionOf(replaced(after, c.index, c.without[1])),
        }),
      },
      // its own measure's part of it
      own: {
        is: (c) => ({ before: before[c.index]!, after: after[c.index]! }),
        without: (c) => ({ before: c.without[0], after: c.without[1] }),
      },
    };
    // the subject's change would differ, or its own measure's part of the change would
    // (For the breakdown, a measure whose share does not change is a cause too when, left out, its share would.)
    const changeTier =
      (a: Aspect, view: View, anyShare = false) =>
      (c: Tried) => {
        const is = views[view].is(c);
        let change: StateChange | undefined;
        const isChange = () => (view === 'whole' ? actual(a) : (change ??= changeOf(is.before, is.after, a)));
        return (
          (view === 'whole' || anyShare || !isNoChange(isChange())) &&
          changeDiffers(is, views[view].without(c), a, isChange)
        );
      };
    // The timeline's change is what became and stopped being restricted. Failing an event that alone changes it, its
    // causes are the events that bear on those very categories, restricted or exempt there: a licence on a category
    // narrowed out of its measure that same day, not an easing announced that day (what is pending has no legal
    // effect), nor a measure's change elsewhere (a licence on categories a third measure keeps restricted).
    let within: CategorySet | undefined;
    const inChanged = ({ before: from, after: to }: States, set: 'restricted' | 'exempt'): StateChange => {
      within ??= actual('restricted').sets[0]!.union(actual('restricted').sets[1]!);
      const [became, stopped] = [to[set].difference(from[set]), from[set].difference(to[set])];
      return { sets: [became.intersection(within), stopped.intersection(within)] };
    };
    // Worked out once for the subject, and once per measure: hundreds of candidates can share an instant.
    const inChangedOf = new Map<string, StateChange>();
    const inChangedTier = (set: 'restricted' | 'exempt', view: View) => (c: Tried) => {
      const [is, without] = [views[view].is(c), views[view].without(c)];
      // Left out, the event leaves these sets as they are: a difference of whole sets spared.
      if (is.before[set].equals(without.before[set]) && is.after[set].equals(without.after[set])) return false;
      const key = `${set}/${view === 'whole' ? 'whole' : c.index}`;
      const change = inChangedOf.get(key) ?? inChangedOf.set(key, inChanged(is, set)).get(key)!;
      return (view === 'whole' || !isNoChange(change)) && !sameChange(inChanged(without, set), change);
    };
    const tiers = breakdown
      ? [changeTier('restricted', 'own', true)]
      : aspect === 'all'
        ? [changeTier('all', 'whole'), changeTier('all', 'own')]
        : [
            changeTier('restricted', 'whole'),
            inChangedTier('restricted', 'own'),
            inChangedTier('exempt', 'whole'),
            inChangedTier('exempt', 'own'),
          ];
    for (const tier of tiers) {
      const causes: Cause[] = [];
      for (const c of tried) {
        if (c.inert) continue;
        if (tier(c)) causes.push(causeOf(this.measures[c.index]!, c));
        // Each test compares whole states: at an instant hundreds of events share, pause between them too.
        yield;
      }
      if (causes.length) return causes;
    }
    // Fully overdetermined (the same subject removed twice on one day): when leaving out all of a measure's candidates
    // would change its part, those that bring the change about each alone (the others left out) are credited together:
    // both removals, not a broadening or a grant of the same day that the change happens without. Corrections stay out:
    // leaving one out restores an earlier payload rather than removing its fact, which a set of facts left out cannot say.
    // For the timeline, a measure's part is what it makes become or stop being restricted of what did for the subject.
    const partOf = (states: States) =>
      aspect === 'all' || breakdown ? changeOf(states.before, states.after, aspect) : inChanged(states, 'restricted');
    const jointly: Cause[] = [];
    this.measures.forEach((measure, index) => {
      const group = tried.filter((c) => c.index === index && !c.inert && !c.correction);
      if (!group.length || sameState(before[index]!, after[index]!, aspect)) return;
      const own = partOf({ before: before[index]!, after: after[index]! });
      if (isNoChange(own)) return;
      const changeWithout = (left: ReadonlySet<StandingFact>) =>
        partOf({ before: measure.at(t - 1, left), after: measure.at(t, left) });
      if (sameChange(changeWithout(new Set(group.map((c) => c.fact))), own)) return;
      const sufficient = group.filter((c) =>
        sameChange(changeWithout(new Set(group.filter((other) => other !== c).map((other) => other.fact))), own),
      );
      // None brings it about alone (say any two of three would): the group as a whole is what the change rests on.
      for (const c of sufficient.length ? sufficient : group) jointly.push(causeOf(measure, c));
    });
    return jointly;
  }
}

const INERT_PER_PAUSE = 256;

export interface CauseOptions {
  /**
   * For `restricted`: where the subject's restricted set does not change but what some measure restricts does
   * (the timeline's interval rule), the causes are the events without which some measure's share would change
   * differently (each measure's own part of the change, the same test as for an overdetermined change).
   */
  breakdown?: boolean;
}

/** A state just before an instant and at it. */
type States = { before: Contribution; after: Contribution };
/** Whose state a cause check compares: the subject's, or the candidate's own measure's part of it. */
type View = 'whole' | 'own';

/** Runs a computation that pauses (see `causeSteps`) to its end without pausing. */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The event a candidate is: the fact as recorded, or its correction (whose citation is the correction's own). */
function causeOf(measure: MeasureContribution, { fact, correction, role }: Candidate): Cause {
  const event = correction?.by ?? fact.recorded;
  const citation = correction ? correction.by.data.citation : fact.data.citation;
  return {
    eventId: event.eventId,
    type: event.type,
    measureId: measure.measureId,
    position: positionText(event.position),
    recordedAt: event.recordedAt,
    ...(citation ? { citation } : {}),
    role,
  };
}

/** Whether a membership change names the subject: left out, or restored by leaving out a correction, it changes its state. */
function namesSubject(fact: StandingFact, subjectId: string): boolean {
  return (fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved') && fact.data.subjects.includes(subjectId);
}
