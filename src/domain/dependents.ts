/**
 * What rests on a fact that comes to stand anew: recorded, corrected, or
 * brought back by retracting a retraction or a correction.
 *
 * The rule. A command can only record a fact that keeps its rules against the
 * facts it rests on; a fact that rests on another is checked then, and never
 * again by any later command but one that changes what it rests on: a
 * correction, or an undone retraction (restoration.ts). So those leave every
 * standing fact that rests on the one they change keeping the rules its own
 * command keeps with it, against the measure as it would then stand:
 *
 * - an amendment or revocation still acts on the grant it acted on, and a
 *   withdrawal or enactment still closes its announcement (`exemption-exists`,
 *   `announcement-pending`): a grant or announcement corrected to another id
 *   would leave them acting on nothing, and a revoked licence in force;
 * - an amendment's `effectiveUntil` is after its grant's `effectiveFrom`
 *   (`until-after-from`), and a withdrawal's `withdrawnAt` no earlier than
 *   its announcement's `announcedAt` (`withdrawn-after-announced`): the rules
 *   of valid time between a fact and what it acts on (command-checks.ts);
 * - an exemption covers some category at each of its steps in valid time, as
 *   granted and after each amendment (`exemption-covers-something`): an
 *   exemption covering nothing is revoked, not amended to nothing. An
 *   amendment recorded now is held to it too.
 *
 * Only what the change breaks is refused: a pair, or a step, already breaking
 * a rule before it (a log written before the rule) does not stop a change
 * that leaves it as it was. Taking a fact out is never refused (restoration.ts).
 * The checks of valid time a command makes against the rest of the measure
 * (scope and subjects at its `effectiveFrom`) are not made again: no command
 * makes them again for facts already standing (a narrowing recorded after a
 * grant can leave the grant outside the scope), and no command orders a fact
 * after the imposition's start, so a correction of the imposition rests on
 * nothing here.
 */
import { isExemptionChange } from './acted-on.js';
import { amended, grantedExemption, type ExemptionAt } from './exemption-steps.js';
import { standingFactOf, type ReadableFact, type StandingFact } from './facts.js';
import type { MeasureHistory } from './measure-history.js';
import type { AmendExemptionPayload, CorrectEntryPayload } from './messages.js';
import { resolveMeasure } from './resolve-measure.js';
import { toMillis } from './time.js';
import { byValidTimeOrder } from './valid-time-order.js';

/** The id of a command's own event while it is checked: it has none yet. */
export const NEW_EVENT_ID = '(the new event)';

/** Why a change is refused: the rule, and the field of the fact come to stand anew that breaks it. */
export interface DependentConflict {
  rule: string;
  message: string;
  /** The fact come to stand anew held to account (a command's own names the field as sent). */
  fact: StandingFact;
  field: string;
  value: unknown;
}

type Grant = StandingFact<'ExemptionGranted'>;
type ExemptionChange = StandingFact<'ExemptionAmended' | 'ExemptionRevoked'>;

const idOf = (fact: StandingFact): string => fact.recorded.eventId;

/** A fact as a message names it: the one fact checked before it is recorded is an amendment (amendmentConflict). */
const named = (fact: StandingFact): string =>
  idOf(fact) === NEW_EVENT_ID ? 'this amendment' : `event ${idOf(fact)} (${fact.type})`;

/** The event a command would record, as the resolution reads it: after every recorded one. */
export function eventRecordedNow(history: MeasureHistory, type: string, data: object): ReadableFact {
  return {
    eventId: NEW_EVENT_ID,
    type,
    data,
    revision: history.recorded.length,
    position: -1n,
    recordedAt: '',
  } as ReadableFact;
}

/**
 * An AmendExemption recorded now, against what it leaves of its exemption.
 * Only its own grant's changes are read, with the amendment among them: one
 * pass over the measure's facts, no resolution.
 */
export function amendmentConflict(
  history: MeasureHistory,
  command: AmendExemptionPayload,
): DependentConflict | undefined {
  const grant = history.granted(command.exemptionId);
  if (!grant) return undefined;
  const recorded = eventRecordedNow(history, 'ExemptionAmended', command);
  const fact = standingFactOf(recorded, command, history.recorded.length) as ExemptionChange;
  const changes: ExemptionChange[] = [];
  for (const other of history.facts)
    if (
      isExemptionChange(other) &&
      other.data.exemptionId === command.exemptionId &&
      history.grantActedOnBy(other) === grant
    )
      changes.push(other);
  const found = grantConflict(timelineOf(grant, [...changes, fact]), timelineOf(grant, changes), fact, undefined);
  // The amendment's own fields as sent: `removeCategories` where it takes the last category out.
  if (found?.rule === 'exemption-covers-something' && command.removeCategories === undefined)
    return { ...found, field: 'exemptionId', value: command.exemptionId };
  return found;
}

/** A correction, against what rests on the fact it corrects. Only grants and their changes, and announcements, bear any. */
export function correctionConflict(
  history: MeasureHistory,
  command: CorrectEntryPayload,
): DependentConflict | undefined {
  const target = history.recorded.find((e) => e.eventId === command.eventId);
  const bearing = [
    'ExemptionGranted',
    'ExemptionAmended',
    'ExemptionRevoked',
    'EasingAnnounced',
    'AnnouncementWithdrawn',
  ];
  if (!target || !bearing.includes(target.type)) return undefined;
  const after = resolveMeasure(history.measureId, [
    ...history.recorded,
    eventRecordedNow(history, 'EntryCorrected', command),
  ]);
  const corrected = after.facts.find((f) => idOf(f) === command.eventId);
  return corrected && dependentConflict(history, after, [corrected]);
}

/**
 * The first rule (see above) that what rests on the facts `changed` breaks in
 * `after` and did not break in `before`. `changed` are facts of `after` that
 * stand there anew or with another payload. A few passes over the facts.
 */
export function dependentConflict(
  before: MeasureHistory,
  after: MeasureHistory,
  changed: readonly StandingFact[],
): DependentConflict | undefined {
  const was = new Map(before.facts.map((f) => [idOf(f), f]));
  return (
    lostDependent(before, after, changed, was) ??
    exemptionConflict(before, after, changed, was) ??
    withdrawalConflict(before, after, changed)
  );
}

/** A withdrawal dated before the announcement it closes, by a changed withdrawal or announcement (and not before). */
function withdrawalConflict(
  before: MeasureHistory,
  after: MeasureHistory,
  changed: readonly StandingFact[],
): DependentConflict | undefined {
  const changedIds = new Set(changed.map(idOf));
  const early = (history: MeasureHistory, withdrawal: StandingFact) => {
    const announcement = history.announcementClosedBy(withdrawal);
    return (
      announcement &&
      withdrawal.type === 'AnnouncementWithdrawn' &&
      toMillis(withdrawal.data.withdrawnAt) < toMillis(announcement.data.announcedAt) &&
      announcement
    );
  };
  const then = new Map(before.facts.map((f) => [idOf(f), f]));
  for (const withdrawal of after.facts) {
    if (withdrawal.type !== 'AnnouncementWithdrawn') continue;
    const announcement = early(after, withdrawal);
    if (!announcement || !(changedIds.has(idOf(withdrawal)) || changedIds.has(idOf(announcement)))) continue;
    const previous = then.get(idOf(withdrawal));
    const wasEarly = previous && early(before, previous);
    if (wasEarly && idOf(wasEarly) === idOf(announcement)) continue;
    const fact = changedIds.has(idOf(withdrawal)) ? withdrawal : announcement;
    const field = fact === withdrawal ? 'withdrawnAt' : 'announcedAt';
    return conflict(
      'withdrawn-after-announced',
      `${named(withdrawal)} withdraws announcement ${announcement.data.announcementId} on ${withdrawal.data.withdrawnAt}, before it was announced (${announcement.data.announcedAt}): correct or retract event ${idOf(withdrawal)} first`,
      fact,
      field,
    );
  }
  return undefined;
}

/** A fact that acted on a changed grant or announcement and would act on nothing, or on another, after. */
function lostDependent(
  before: MeasureHistory,
  after: MeasureHistory,
  changed: readonly StandingFact[],
  was: Map<string, StandingFact>,
): DependentConflict | undefined {
  const targets = new Map<string, StandingFact>();
  for (const fact of changed)
    if ((fact.type === 'ExemptionGranted' || fact.type === 'EasingAnnounced') && was.has(idOf(fact)))
      targets.set(idOf(fact), fact);
  if (!targets.size) return undefined;
  const changedIds = new Set(changed.map(idOf));
  let now: Map<string, StandingFact> | undefined;
  for (const dependent of before.facts) {
    if (changedIds.has(idOf(dependent))) continue;
    for (const on of [before.grantActedOnBy(dependent), before.announcementClosedBy(dependent)]) {
      const target = on && targets.get(idOf(on));
      if (!target) continue;
      now ??= new Map(after.facts.map((f) => [idOf(f), f]));
      const standing = now.get(idOf(dependent));
      // Taken out with the change: nothing of it stands to act on anything.
      if (!standing) continue;
      const grant = target.type === 'ExemptionGranted';
      const actsOn = grant ? after.grantActedOnBy(standing) : after.announcementClosedBy(standing);
      if (actsOn && idOf(actsOn) === idOf(target)) continue;
      const field = grant ? 'exemptionId' : 'announcementId';
      const id = (target.data as unknown as Record<string, string>)[field];
      const previous = (on.data as unknown as Record<string, string>)[field];
      const verb = grant
        ? dependent.type === 'ExemptionRevoked'
          ? 'revokes'
          : 'amends'
        : dependent.type === 'AnnouncementWithdrawn'
          ? 'withdraws'
          : 'enacts';
      return {
        rule: grant ? 'exemption-exists' : 'announcement-pending',
        message: `${named(dependent)} ${verb} ${grant ? 'exemption' : 'announcement'} ${previous} as ${grant ? 'granted' : 'announced'} by event ${idOf(target)}, and would act on nothing once that names ${id}: retract event ${idOf(dependent)} first, or retract event ${idOf(target)} and record it anew`,
        fact: target,
        field,
        value: id,
      };
    }
  }
  return undefined;
}

/** An exemption's changes, and its steps in valid time: as granted, then after each amendment, up to its revocation. */
interface Timeline {
  grant: Grant;
  /** Its amendments and revocations, in valid-time order. */
  changes: ExemptionChange[];
  /** Folded when asked: the steps before a change are read only where a step after it covers nothing. */
  steps(): { fact: StandingFact; exemption: ExemptionAt }[];
}

function timelineOf(grant: Grant, changes: ExemptionChange[]): Timeline {
  changes.sort(byValidTimeOrder);
  let steps: { fact: StandingFact; exemption: ExemptionAt }[] | undefined;
  const fold = () => {
    let exemption = grantedExemption(grant);
    const folded = [{ fact: grant as StandingFact, exemption }];
    for (const change of changes) {
      if (change.type === 'ExemptionRevoked') break;
      exemption = amended(exemption, change);
      folded.push({ fact: change, exemption });
    }
    return folded;
  };
  return { grant, changes, steps: () => (steps ??= fold()) };
}

/** The timelines of the grants named, as they stand in the history: one pass over its facts. */
function timelines(history: MeasureHistory, grants: ReadonlyMap<string, Grant>): Map<string, Timeline> {
  const changes = new Map<string, ExemptionChange[]>([...grants.keys()].map((id) => [id, []]));
  for (const fact of history.facts) {
    const grant = isExemptionChange(fact) ? history.grantActedOnBy(fact) : undefined;
    if (grant) changes.get(idOf(grant))?.push(fact as ExemptionChange);
  }
  return new Map([...grants].map(([id, grant]) => [id, timelineOf(grant, changes.get(id)!)]));
}

const endsBeforeStart = (change: ExemptionChange, grant: Grant): boolean =>
  change.type === 'ExemptionAmended' &&
  change.data.effectiveUntil !== undefined &&
  toMillis(change.data.effectiveUntil) <= grant.fromMs;

/** The exemptions a changed fact bears on, before and after: each with the changed fact held to account for it. */
function exemptionConflict(
  before: MeasureHistory,
  after: MeasureHistory,
  changed: readonly StandingFact[],
  was: Map<string, StandingFact>,
): DependentConflict | undefined {
  // Each grant touched, as it stands after and before, and the changed fact held to account for it.
  const touched = new Map<string, StandingFact>();
  const [grantsNow, grantsThen] = [new Map<string, Grant>(), new Map<string, Grant>()];
  for (const fact of changed) {
    const previous = was.get(idOf(fact));
    const now =
      fact.type === 'ExemptionGranted' ? fact : isExemptionChange(fact) ? after.grantActedOnBy(fact) : undefined;
    const then = previous && (previous.type === 'ExemptionGranted' ? previous : before.grantActedOnBy(previous));
    if (now && !touched.has(idOf(now))) (touched.set(idOf(now), fact), grantsNow.set(idOf(now), now));
    // A grant the change took a fact away from stands after too, unless taken out with it.
    const left = then && !touched.has(idOf(then)) && after.facts.find((f) => idOf(f) === idOf(then));
    if (left && left.type === 'ExemptionGranted') (touched.set(idOf(left), fact), grantsNow.set(idOf(left), left));
  }
  if (!touched.size) return undefined;
  for (const id of touched.keys()) {
    const then = was.get(id);
    if (then?.type === 'ExemptionGranted') grantsThen.set(id, then);
  }
  const [now, then] = [timelines(after, grantsNow), timelines(before, grantsThen)];
  for (const [grantId, fact] of touched) {
    const conflict = grantConflict(now.get(grantId)!, then.get(grantId), fact, was.get(idOf(fact)));
    if (conflict) return conflict;
  }
  return undefined;
}

/**
 * The first rule between a grant and its changes that `timeline` breaks and
 * `earlier`, the grant's before the change, did not: an amendment ending it at
 * or before its start, then a step covering no category.
 */
function grantConflict(
  timeline: Timeline,
  earlier: Timeline | undefined,
  fact: StandingFact,
  previous: StandingFact | undefined,
): DependentConflict | undefined {
  const { grant } = timeline;
  const exemption = `exemption ${grant.data.exemptionId}`;
  const endedEarly = (change: ExemptionChange) =>
    earlier?.changes.some((c) => idOf(c) === idOf(change) && endsBeforeStart(c, earlier.grant));
  const ending = timeline.changes.find((c) => endsBeforeStart(c, grant) && !endedEarly(c));
  if (ending) {
    const fields = fact.type === 'ExemptionGranted' ? ['effectiveFrom'] : ['effectiveUntil', 'exemptionId'];
    return conflict(
      'until-after-from',
      `${exemption} would end on ${(ending.data as AmendExemptionPayload).effectiveUntil} by ${named(ending)}, not after its start on ${grant.data.effectiveFrom}: correct or retract event ${idOf(ending)} first`,
      fact,
      fieldOf(fact, previous, fields),
    );
  }
  const emptyBefore = (fact: StandingFact) =>
    earlier?.steps().some((s) => idOf(s.fact) === idOf(fact) && s.exemption.categories.isEmpty());
  const empty = timeline.steps().find((s) => s.exemption.categories.isEmpty() && !emptyBefore(s.fact));
  if (!empty) return undefined;
  const fields =
    fact.type === 'ExemptionGranted'
      ? ['categories']
      : ['removeCategories', 'addCategories', 'exemptionId', 'effectiveFrom'];
  const from =
    empty.fact === grant ? grant.data.effectiveFrom : (empty.fact.data as AmendExemptionPayload).effectiveFrom;
  return conflict(
    'exemption-covers-something',
    `${exemption} would cover no category from ${from}, as ${named(empty.fact)} leaves it: an exemption covers at least one category; revoke it instead`,
    fact,
    fieldOf(fact, previous, fields),
  );
}

const conflict = (rule: string, message: string, fact: StandingFact, field: string): DependentConflict => ({
  rule,
  message,
  fact,
  field,
  value: (fact.data as unknown as Record<string, unknown>)[field],
});

/** The first of the fields that the change sets anew (differs from the payload before, or is new), else the first. */
function fieldOf(fact: StandingFact, previous: StandingFact | undefined, fields: string[]): string {
  const data = fact.data as unknown as Record<string, unknown>;
  const was = previous?.data as unknown as Record<string, unknown> | undefined;
  const set = fields.find((field) =>
    was ? JSON.stringify(was[field]) !== JSON.stringify(data[field]) : data[field] !== undefined,
  );
  return set ?? fields[0]!;
}
