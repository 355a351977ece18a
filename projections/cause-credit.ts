/**
 * Which of the events tried at an instant are credited as causes of the change there, once each has been left out
 * (`SubjectTransitions.causeSteps` tries them): the tiers of the rule in transitions.ts's header, then the events of a
 * measure that only together bring its part of the change about.
 */
import type { CategorySet } from '../src/domain/categories.js';
import type { StandingFact } from '../src/domain/facts.js';
import type { EventType } from '../src/domain/messages.js';
import { positionText } from '../src/domain/position.js';
import type { Contribution, MeasureContribution } from './measure-contribution.js';
import {
  changeDiffers,
  changeOf,
  isNoChange,
  PARTS,
  sameChange,
  sameState,
  unionOf,
  type Aspect,
  type StateChange,
} from './state-changes.js';
import type { Correction } from './without-correction.js';

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

export interface Instant {
  t: number;
  /** Each measure's contribution just before t and at t. */
  before: Contribution[];
  after: Contribution[];
}

/** An event tried as a cause at an instant: a standing fact, or the latest correction of one. */
export interface Candidate {
  index: number;
  fact: StandingFact;
  role: Cause['role'];
  correction?: Correction;
}

/** A candidate left out: the states of its measure just before the instant and at it without it. */
export type Tried = Candidate & { without: readonly [Contribution, Contribution]; inert: boolean };

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

/**
 * The causes among the events tried at the instant; pauses between tests (hundreds of events can share an instant).
 * Replay's step (`all`) is credited part by part: each of the restricted set, the exempt set and the pending set that
 * changes, to the events that change it (tiers and all), and the step's causes are theirs together, in the order
 * tried. Asked of the whole step at once, an announcement that alone changes what is pending hid a removal that only
 * with another of the same instant changes what is restricted.
 */
export function* creditedCauses(
  measures: readonly MeasureContribution[],
  instant: Instant,
  tried: readonly Tried[],
  aspect: Aspect,
  breakdown: boolean,
): Generator<void, Cause[]> {
  const credit = crediting(measures, instant, tried);
  const causes = (found: readonly Tried[]) => found.map((c) => causeOf(measures[c.index]!, c));
  if (breakdown) return causes(yield* credit('restricted', 'breakdown'));
  if (aspect === 'restricted') return causes(yield* credit('restricted', 'timeline'));
  const whole = { before: unionOf(instant.before), after: unionOf(instant.after) };
  const credited = new Set<Tried>();
  for (const part of aspect === 'all' ? PARTS : [aspect]) {
    if (sameState(whole.before, whole.after, part)) continue;
    for (const c of yield* credit(part, 'replay')) credited.add(c);
  }
  return causes(tried.filter((c) => credited.has(c)));
}

/**
 * How a change is credited: `replay`, one part of a replay step; `timeline`, the timeline's restricted set (its
 * causes looked for in the categories whose restriction changed); `breakdown`, what each measure restricts where the
 * restricted set stays the same.
 */
type Mode = 'replay' | 'timeline' | 'breakdown';

/** The test of the candidates for one aspect of the change at the instant, in tiers, then jointly by measure. */
function crediting(measures: readonly MeasureContribution[], instant: Instant, tried: readonly Tried[]) {
  const { t, before, after } = instant;
  const whole = { before: unionOf(before), after: unionOf(after) };
  const replaced = (parts: Contribution[], index: number, part: Contribution) =>
    parts.map((p, i) => (i === index ? part : p));
  // Each aspect's change worked out when first compared: the timeline's usually settles on 'restricted' alone.
  const changes = new Map<Aspect, StateChange>();
  const actual = (a: Aspect) => changes.get(a) ?? changes.set(a, changeOf(whole.before, whole.after, a)).get(a)!;
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
  /** Whether leaving the candidate out alone changes the subject's state, just before the instant or at it. */
  const changesSubject = (c: Tried) => {
    const without = views.whole.without(c);
    return !sameState(without.before, whole.before, 'all') || !sameState(without.after, whole.after, 'all');
  };
  const tiersOf = (aspect: Aspect, mode: Mode) =>
    mode === 'breakdown'
      ? [changeTier('restricted', 'own', true)]
      : mode === 'replay'
        ? [changeTier(aspect, 'whole'), changeTier(aspect, 'own')]
        : [
            changeTier('restricted', 'whole'),
            inChangedTier('restricted', 'own'),
            inChangedTier('exempt', 'whole'),
            inChangedTier('exempt', 'own'),
          ];
  return function* credit(aspect: Aspect, mode: Mode): Generator<void, Tried[]> {
    for (const tier of tiersOf(aspect, mode)) {
      const causes: Tried[] = [];
      for (const c of tried) {
        if (c.inert) continue;
        if (tier(c)) causes.push(c);
        // Each test compares whole states: at an instant hundreds of events share, pause between them too.
        yield;
      }
      if (causes.length) return causes;
    }
    // Fully overdetermined (the same subject removed twice on one day): when leaving out all of a measure's candidates
    // would change its part, those that bring the change about each alone (the others left out) are credited together:
    // both removals, not a broadening or a grant of the same day that the change happens without. Corrections stay out:
    // leaving one out restores an earlier payload rather than removing its fact, which a set of facts left out cannot
    // say. For the timeline, a measure's part is what it makes become or stop being restricted of what did for the
    // subject.
    const partOf = (states: States) =>
      mode === 'timeline' ? inChanged(states, 'restricted') : changeOf(states.before, states.after, aspect);
    const jointly: Tried[] = [];
    measures.forEach((measure, index) => {
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
      // In a replay step, an event that left out alone changes nothing for the subject is no cause (DOMAIN.md) where
      // another that brings the part about does change something: a narrowing on the day a licence carves the same
      // category out is not credited beside the licence. Two removals of the subject, neither changing anything
      // alone, are credited together.
      const bearing = mode === 'replay' ? sufficient.filter(changesSubject) : [];
      // None brings it about alone (say any two of three would): the group as a whole is what the change rests on.
      jointly.push(...(bearing.length ? bearing : sufficient.length ? sufficient : group));
    });
    return jointly;
  };
}

/** The event a candidate is: the fact as recorded, or its correction (whose citation is the correction's own). */
export function causeOf(measure: MeasureContribution, { fact, correction, role }: Candidate): Cause {
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
