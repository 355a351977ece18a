/**
 * What retracting a retraction or a correction brings back to stand, checked
 * against the measure as it would stand with the new retraction.
 *
 * The rule. A RetractEntry or CorrectEntry may take facts out of a measure,
 * as any retraction does: what rested on them stays recorded and standing
 * (an amendment of a retracted grant amends nothing; a retracted imposition
 * retracts the whole measure). But every fact it brings to stand (an event
 * restored by retracting its retraction, at any depth of a chain of
 * retractions; an event given back an earlier payload by retracting a
 * correction, or a later one by restoring a correction; an event corrected)
 * must be a fact the ledger could record now, against the measure as it
 * would then stand:
 *
 * - it takes nothing another standing fact holds: one grant per exemption id
 *   (`exemption-new`), one announcement per announcement id
 *   (`announcement-new`), one revocation per grant
 *   (`exemption-not-revoked`), one lifting per measure (`not-lifted`), one
 *   withdrawal or enactment per announcement (`announcement-pending`);
 * - what it acts on stands: the measure's imposition (`measure-exists`), a
 *   grant of the exemption it amends or revokes recorded before it
 *   (`exemption-exists`), the announcement it withdraws or enacts, recorded
 *   before it (`announcement-pending`). What a fact acts on is the latest
 *   standing grant or announcement of its id recorded before it
 *   (acted-on.ts): a revocation restored beside a grant of its id given
 *   again later would revoke nothing;
 * - a grant or announcement it brings back takes on no change of its id
 *   recorded after another grant or announcement of that id was, since that
 *   change was about the other (`exemption-new`, `announcement-new`).
 *
 * A fact that breaks either would stand where no command could have put it
 * (an exemption listed twice, an amendment of nothing, an announcement
 * closed twice), so the command is refused and nothing is appended: the
 * caller retracts or corrects the fact in the way first, or records the
 * restored fact anew under another id.
 *
 * A correction brings one fact to stand, its target as replaced, and
 * decide.ts checks the replacement as its own command against the measure
 * without the target: those checks include this rule's. A retraction of an
 * event that is no retraction or correction only takes it out. What is left
 * is a retraction of a retraction or of a correction, checked here.
 *
 * What rests on a fact brought back keeps its own rules with it
 * (dependents.ts, checked last): what acted on a grant or announcement still
 * does, an amendment ends its exemption after the grant's start, an exemption
 * covers some category at each step.
 *
 * Left out, on purpose: the checks of valid time against the rest of the
 * measure (a grant's categories overlapping the scope, its subjects being the
 * measure's, a narrowing leaving some scope). No later command checks the
 * facts already standing against them either: a narrowing recorded after a
 * grant can already leave the grant outside the scope. And an amendment
 * restored beside a revocation recorded after it stands as it would had it
 * been recorded before the revocation, which is where it was recorded.
 */
import { closedAnnouncementId } from './acted-on.js';
import { dependentConflict, eventRecordedNow } from './dependents.js';
import { enactsOf, type RecordedFact, type StandingFact } from './facts.js';
import type { MeasureHistory } from './measure-history.js';
import type { RetractEntryPayload } from './messages.js';
import { resolveMeasure } from './resolve-measure.js';

/** Why a retraction is refused: the rule, and the retraction's `eventId`. */
export interface RestorationConflict {
  rule: string;
  message: string;
  field: 'eventId';
  value: string;
}

/** Something a fact holds alone among standing facts, and the rule of the command that keeps it so. */
interface Claim {
  key: string;
  rule: string;
  /** What holding it is, after "which" or "event X already". */
  what: string;
}

/** Something a fact acts on, which must stand with it: the rule, what the fact does, what is missing, what to do. */
interface Need {
  rule: string;
  what: string;
  missing: string;
  remedy: string;
}

/** What a fact acts on, in the measure as it would stand. */
type ActsOn = (fact: StandingFact) => StandingFact | undefined;

const closing = (announcementId: string, announcement: StandingFact): Claim => ({
  key: `closing ${announcement.recorded.eventId}`,
  rule: 'announcement-pending',
  what: `withdraws or enacts announcement ${announcementId}`,
});

function claimsOf(fact: StandingFact, grantOf: ActsOn, announcementOf: ActsOn): Claim[] {
  // The imposition's `enacts` can name no announcement (none exists before it), so the decider never reads it.
  if (fact.type === 'RestrictionImposed')
    return [{ key: 'imposition', rule: 'measure-new', what: 'imposes the measure' }];
  const claims: Claim[] = [];
  if (fact.type === 'ExemptionGranted') {
    const id = fact.data.exemptionId;
    claims.push({ key: `grant ${id}`, rule: 'exemption-new', what: `grants exemption ${id}` });
  } else if (fact.type === 'ExemptionRevoked' && grantOf(fact)) {
    const id = fact.data.exemptionId;
    const grant = grantOf(fact)!.recorded.eventId;
    claims.push({ key: `revocation ${grant}`, rule: 'exemption-not-revoked', what: `revokes exemption ${id}` });
  } else if (fact.type === 'EasingAnnounced') {
    const id = fact.data.announcementId;
    claims.push({ key: `announcement ${id}`, rule: 'announcement-new', what: `announces ${id}` });
  } else if (fact.type === 'RestrictionLifted') {
    claims.push({ key: 'lifting', rule: 'not-lifted', what: 'lifts the measure' });
  }
  const closed = closedAnnouncementId(fact);
  const announcement = announcementOf(fact);
  if (closed !== undefined && announcement) claims.push(closing(closed, announcement));
  return claims;
}

function needsOf(fact: StandingFact, stands: Standing, grantOf: ActsOn, announcementOf: ActsOn): Need[] {
  if (fact.type === 'RestrictionImposed') return [];
  const needs: Need[] = [];
  if (!stands.imposition) {
    needs.push({
      rule: 'measure-exists',
      what: 'belongs to the measure',
      missing: 'the measure is retracted',
      remedy: 'restore its imposition first, by retracting the retraction of it',
    });
  }
  if (fact.type === 'ExemptionAmended' || fact.type === 'ExemptionRevoked') {
    const id = fact.data.exemptionId;
    if (!grantOf(fact)) {
      needs.push({
        rule: 'exemption-exists',
        what: `${fact.type === 'ExemptionRevoked' ? 'revokes' : 'amends'} exemption ${id}`,
        missing: `no grant of exemption ${id} recorded before it stands`,
        remedy: 'restore or record the grant first',
      });
    }
  }
  const withdrawn = fact.type === 'AnnouncementWithdrawn' ? fact.data.announcementId : undefined;
  for (const id of [withdrawn, enactsOf(fact.data)]) {
    if (id === undefined || announcementOf(fact)) continue;
    needs.push({
      rule: 'announcement-pending',
      what: `${id === withdrawn ? 'withdraws' : 'enacts'} announcement ${id}`,
      missing: `no announcement ${id} recorded before it stands`,
      remedy: 'restore or record the announcement first',
    });
  }
  return needs;
}

interface Standing {
  imposition: boolean;
  /** The standing facts holding each claim asked about. */
  holders: Map<string, StandingFact[]>;
}

/**
 * The first rule a RetractEntry would break by what it brings back to stand
 * (see the rule above), against `history`, the measure as known before it.
 * One resolution of the measure with the new retraction, and a few passes
 * over its facts: linear in the measure's size.
 */
export function restorationConflict(
  history: MeasureHistory,
  command: RetractEntryPayload,
): RestorationConflict | undefined {
  const target = history.recorded.find((e) => e.eventId === command.eventId);
  if (target?.type !== 'EntryRetracted' && target?.type !== 'EntryCorrected') return undefined;
  const retraction = eventRecordedNow(history, 'EntryRetracted', command);
  const after = resolveMeasure(history.measureId, [...history.recorded, retraction]);
  const before = new Map(history.facts.map((f) => [f.recorded.eventId, f.data]));
  // A fact whose payload in force is another object now (a correction of it restored or taken out) comes to stand
  // anew only where that payload says something else.
  const brought = after.facts.filter((f) => {
    const was = before.get(f.recorded.eventId);
    return was !== f.data && (was === undefined || !samePayload(was, f.data));
  });
  if (!brought.length) return undefined;

  const grantOf: ActsOn = (fact) => after.grantActedOnBy(fact);
  const announcementOf: ActsOn = (fact) => after.announcementClosedBy(fact);
  const claims = (fact: StandingFact) => claimsOf(fact, grantOf, announcementOf);
  const stands: Standing = { imposition: false, holders: new Map() };
  for (const fact of brought) for (const claim of claims(fact)) stands.holders.set(claim.key, []);
  for (const fact of after.facts) {
    if (fact.type === 'RestrictionImposed') stands.imposition = true;
    if (stands.holders.size) for (const claim of claims(fact)) stands.holders.get(claim.key)?.push(fact);
  }

  const refuse = (rule: string, message: string): RestorationConflict => ({
    rule,
    message,
    field: 'eventId',
    value: command.eventId,
  });
  for (const fact of brought) {
    const bringing = `retracting event ${command.eventId} would ${broughtAs(fact, before.has(fact.recorded.eventId))}`;
    for (const need of needsOf(fact, stands, grantOf, announcementOf)) {
      return refuse(need.rule, `${bringing}, which ${need.what}, but ${need.missing}: ${need.remedy}`);
    }
    for (const claim of claims(fact)) {
      const other = stands.holders.get(claim.key)!.find((f) => f !== fact);
      if (!other) continue;
      const holder = `event ${other.recorded.eventId} (${other.type})`;
      return refuse(
        claim.rule,
        `${bringing}, which ${claim.what}, but ${holder} already ${claim.what}: retract or correct event ${other.recorded.eventId} first`,
      );
    }
  }
  const taken = takenOver(history, after, brought);
  if (!taken) {
    // What rests on the facts brought back keeps its own rules with them (dependents.ts).
    const resting = dependentConflict(history, after, brought);
    if (!resting) return undefined;
    const fact = resting.fact;
    return refuse(
      resting.rule,
      `retracting event ${command.eventId} would ${broughtAs(fact, before.has(fact.recorded.eventId))}; then ${resting.message}`,
    );
  }
  const { fact, change, given } = taken;
  const what = fact.type === 'ExemptionGranted' ? 'grant' : 'announcement';
  return refuse(
    fact.type === 'ExemptionGranted' ? 'exemption-new' : 'announcement-new',
    `retracting event ${command.eventId} would ${broughtAs(fact, before.has(fact.recorded.eventId))}, which would take on event ${change.recorded.eventId} (${change.type}), recorded after event ${given} gave its id again and so about that ${what}: retract event ${change.recorded.eventId} first, or record the ${what} anew`,
  );
}

/**
 * A grant or announcement brought to stand takes on the changes of its id
 * recorded after it (acted-on.ts). One that did not act on it before and was
 * recorded after another grant or announcement of its id was about that one:
 * the restoration is refused rather than let it act on the one brought back.
 * One pass over the recorded events and one over the facts.
 */
function takenOver(history: MeasureHistory, after: MeasureHistory, brought: StandingFact[]) {
  const held = (fact: { type: string; data: unknown }) =>
    fact.type === 'ExemptionGranted'
      ? `grant ${(fact.data as { exemptionId: string }).exemptionId}`
      : fact.type === 'EasingAnnounced'
        ? `announcement ${(fact.data as { announcementId: string }).announcementId}`
        : undefined;
  const broughtGiven = new Set(brought.filter((f) => held(f) !== undefined));
  if (!broughtGiven.size) return undefined;
  // Each id's grants or announcements as recorded, standing or not, in record order.
  const givenAt = new Map<string, RecordedFact[]>();
  for (const event of history.recorded) {
    const key = event.unreadable === undefined ? held(event) : undefined;
    if (key) givenAt.set(key, [...(givenAt.get(key) ?? []), event]);
  }
  const stood = new Map(history.facts.map((f) => [f.recorded.eventId, f]));
  for (const change of after.facts) {
    const previous = stood.get(change.recorded.eventId);
    for (const [on, was] of [
      [after.grantActedOnBy(change), previous && history.grantActedOnBy(previous)],
      [after.announcementClosedBy(change), previous && history.announcementClosedBy(previous)],
    ] as const) {
      if (!on || !broughtGiven.has(on) || was?.recorded.eventId === on.recorded.eventId) continue;
      const given = givenAt
        .get(held(on)!)
        ?.find((e) => e.revision > on.recorded.revision && e.revision < change.recorded.revision);
      if (given) return { fact: on as StandingFact, change, given: given.eventId };
    }
  }
  return undefined;
}

/** How a fact comes to stand: restored, or with another payload than it stands with now. */
function broughtAs(fact: StandingFact, stoodBefore: boolean): string {
  const event = `event ${fact.recorded.eventId} (${fact.type})`;
  if (!stoodBefore) return `restore ${event}`;
  return `make ${event} stand as ${fact.correctedBy ? `corrected by event ${fact.correctedBy.eventId}` : 'first recorded'}`;
}

/** Whether two payloads as read from the log (JSON: no undefined, no null) say the same, whatever their key order. */
function samePayload(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => samePayload((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
