/**
 * What a retraction or a correction brings back to stand, checked against
 * the measure as it would stand with it.
 *
 * The rule. A RetractEntry or CorrectEntry may take facts out of a measure,
 * as any retraction does: what rested on them stays recorded and standing
 * (an amendment of a retracted grant amends nothing; a retracted imposition
 * retracts the whole measure). But every fact it brings to stand (an event
 * restored by retracting its retraction, at any depth of a chain of
 * retractions; an event given another payload by a correction, or by the
 * retraction of one) must be a fact the ledger could record now, against the
 * measure as it would then stand:
 *
 * - it takes nothing another standing fact holds: one grant per exemption id
 *   (`exemption-new`), one announcement per announcement id
 *   (`announcement-new`), one revocation per exemption id
 *   (`exemption-not-revoked`), one lifting per measure (`not-lifted`), one
 *   withdrawal or enactment per announcement (`announcement-pending`);
 * - what it acts on stands: the measure's imposition (`measure-exists`), a
 *   grant of the exemption it amends or revokes (`exemption-exists`), the
 *   announcement it withdraws or enacts (`announcement-pending`).
 *
 * A fact that breaks either would stand where no command could have put it
 * (an exemption listed twice, an amendment of nothing, an announcement
 * closed twice), so the command is refused and nothing is appended: the
 * caller retracts or corrects the fact in the way first, or records the
 * restored fact anew under another id.
 *
 * Left out, on purpose: the checks of valid time (a grant's categories
 * overlapping the scope, its subjects being the measure's, a narrowing
 * leaving some scope). No later command checks the facts already standing
 * against them either: a narrowing recorded after a grant can already leave
 * the grant outside the scope. And an amendment restored beside a revocation
 * recorded after it stands as it would had it been recorded before the
 * revocation, which is where it was recorded.
 */
import { enactsOf, exemptionIdOf, type ReadableFact, type StandingFact } from './facts.js';
import type { MeasureHistory } from './measure-history.js';
import type { CorrectEntryPayload, RetractEntryPayload } from './messages.js';
import { resolveMeasure } from './resolve-measure.js';

/** Why a retraction or correction is refused: the rule, and `eventId` or the replacement's field at fault. */
export interface RestorationConflict {
  rule: string;
  message: string;
  field: string;
  value: unknown;
}

/** The command's event as it would be recorded: only its type and payload matter to the resolution. */
const NEW_EVENT_ID = '(the new event)';

/** Something a fact holds alone among standing facts, and the rule of the command that keeps it so. */
interface Claim {
  key: string;
  rule: string;
  field: string;
  value: string;
  /** What holding it means, after "which" or "event X". */
  what: string;
}

/** Something a fact acts on, which must stand with it. */
interface Need {
  rule: string;
  field: string;
  value: string;
  /** What the fact does to it, after "which". */
  what: string;
  /** What stands missing, after "but". */
  missing: string;
  /** What to do first. */
  remedy: string;
}

function claimsOf(fact: StandingFact, measureId: string): Claim[] {
  const claims: Claim[] = [];
  const data = fact.data;
  if (fact.type === 'RestrictionImposed') {
    claims.push({ key: 'imposition', rule: 'measure-new', field: 'measureId', value: measureId, what: 'imposes it' });
  } else if (fact.type === 'ExemptionGranted') {
    const id = fact.data.exemptionId;
    claims.push({
      key: `grant ${id}`,
      rule: 'exemption-new',
      field: 'exemptionId',
      value: id,
      what: `grants exemption ${id}`,
    });
  } else if (fact.type === 'ExemptionRevoked') {
    const id = fact.data.exemptionId;
    claims.push({
      key: `revocation ${id}`,
      rule: 'exemption-not-revoked',
      field: 'exemptionId',
      value: id,
      what: `revokes exemption ${id}`,
    });
  } else if (fact.type === 'EasingAnnounced') {
    const id = fact.data.announcementId;
    claims.push({
      key: `announcement ${id}`,
      rule: 'announcement-new',
      field: 'announcementId',
      value: id,
      what: `announces ${id}`,
    });
  } else if (fact.type === 'AnnouncementWithdrawn') {
    const id = fact.data.announcementId;
    claims.push({
      key: `closing ${id}`,
      rule: 'announcement-pending',
      field: 'announcementId',
      value: id,
      what: `withdraws or enacts announcement ${id}`,
    });
  } else if (fact.type === 'RestrictionLifted') {
    claims.push({
      key: 'lifting',
      rule: 'not-lifted',
      field: 'measureId',
      value: measureId,
      what: 'lifts the measure',
    });
  }
  const enacts = fact.type === 'RestrictionImposed' ? undefined : enactsOf(data);
  if (enacts !== undefined) {
    claims.push({
      key: `closing ${enacts}`,
      rule: 'announcement-pending',
      field: 'enacts',
      value: enacts,
      what: `withdraws or enacts announcement ${enacts}`,
    });
  }
  return claims;
}

function needsOf(fact: StandingFact, measureId: string, stands: Standing): Need[] {
  if (fact.type === 'RestrictionImposed') return [];
  const needs: Need[] = [];
  if (!stands.imposition) {
    needs.push({
      rule: 'measure-exists',
      field: 'measureId',
      value: measureId,
      what: `belongs to measure ${measureId}`,
      missing: 'the measure is retracted',
      remedy: 'restore its imposition first, by retracting the retraction of it',
    });
  }
  const exemptionId =
    fact.type === 'ExemptionAmended' || fact.type === 'ExemptionRevoked' ? exemptionIdOf(fact.data) : undefined;
  if (exemptionId !== undefined && !stands.grants.has(exemptionId)) {
    needs.push({
      rule: 'exemption-exists',
      field: 'exemptionId',
      value: exemptionId,
      what: `${fact.type === 'ExemptionRevoked' ? 'revokes' : 'amends'} exemption ${exemptionId}`,
      missing: `no grant of exemption ${exemptionId} stands`,
      remedy: 'restore or record the grant first',
    });
  }
  const announcementId = fact.type === 'AnnouncementWithdrawn' ? fact.data.announcementId : enactsOf(fact.data);
  if (announcementId !== undefined && !stands.announcements.has(announcementId)) {
    const field = fact.type === 'AnnouncementWithdrawn' ? 'announcementId' : 'enacts';
    needs.push({
      rule: 'announcement-pending',
      field,
      value: announcementId,
      what: `${field === 'enacts' ? 'enacts' : 'withdraws'} announcement ${announcementId}`,
      missing: `announcement ${announcementId} does not stand`,
      remedy: 'restore or record the announcement first',
    });
  }
  return needs;
}

interface Standing {
  imposition: boolean;
  grants: Set<string>;
  announcements: Set<string>;
  /** The standing facts holding each claim asked about. */
  holders: Map<string, StandingFact[]>;
}

/**
 * The first rule a RetractEntry or CorrectEntry would break by what it brings
 * to stand (see the rule above), against `history`, the measure as known
 * before it. One resolution of the measure with the new event and a few
 * passes over its facts: linear in the measure's size.
 */
export function restorationConflict(
  history: MeasureHistory,
  type: 'RetractEntry' | 'CorrectEntry',
  command: RetractEntryPayload | CorrectEntryPayload,
): RestorationConflict | undefined {
  // Retracting a fact that amends nothing only takes it out.
  const target = history.recorded.find((e) => e.eventId === command.eventId);
  if (type === 'RetractEntry' && target?.type !== 'EntryRetracted' && target?.type !== 'EntryCorrected') {
    return undefined;
  }
  const event = {
    eventId: NEW_EVENT_ID,
    type: type === 'RetractEntry' ? 'EntryRetracted' : 'EntryCorrected',
    data: command,
    revision: history.recorded.length,
    position: -1n,
    recordedAt: '',
  } as ReadableFact;
  const after = resolveMeasure(history.measureId, [...history.recorded, event]);
  const before = new Map(history.facts.map((f) => [f.recorded.eventId, f.data]));
  // A corrected event comes to stand anew, whole; another whose payload in force is now another object (its
  // correction restored or retracted) only where that payload says something else.
  const brought = after.facts.filter((f) => {
    const was = before.get(f.recorded.eventId);
    if (f.recorded.eventId === (type === 'CorrectEntry' ? command.eventId : undefined)) return true;
    return was !== f.data && (was === undefined || !samePayload(was, f.data));
  });
  if (!brought.length) return undefined;

  const stands: Standing = { imposition: false, grants: new Set(), announcements: new Set(), holders: new Map() };
  for (const fact of brought) for (const claim of claimsOf(fact, history.measureId)) stands.holders.set(claim.key, []);
  for (const fact of after.facts) {
    if (fact.type === 'RestrictionImposed') stands.imposition = true;
    else if (fact.type === 'ExemptionGranted') stands.grants.add(fact.data.exemptionId);
    else if (fact.type === 'EasingAnnounced') stands.announcements.add(fact.data.announcementId);
    for (const claim of claimsOf(fact, history.measureId)) stands.holders.get(claim.key)?.push(fact);
  }

  const action = `${type === 'RetractEntry' ? 'retracting' : 'correcting'} event ${command.eventId}`;
  // A retraction is refused on its `eventId`; a correction on the replacement's field that brings the conflict.
  const conflict = (rule: string, message: string, at: { field: string; value: string }): RestorationConflict =>
    type === 'RetractEntry'
      ? { rule, message, field: 'eventId', value: command.eventId }
      : { rule, message, field: `replacement.${at.field}`, value: at.value };
  for (const fact of brought) {
    const bringing = `${action} would ${broughtAs(fact, before.has(fact.recorded.eventId))}`;
    for (const need of needsOf(fact, history.measureId, stands)) {
      return conflict(need.rule, `${bringing}, which ${need.what}, but ${need.missing}: ${need.remedy}`, need);
    }
    for (const claim of claimsOf(fact, history.measureId)) {
      const other = stands.holders.get(claim.key)!.find((f) => f !== fact);
      if (!other) continue;
      const holder = `event ${other.recorded.eventId} (${other.type})`;
      return conflict(
        claim.rule,
        `${bringing}, which ${claim.what}, but ${holder} already ${claim.what}: retract or correct event ${other.recorded.eventId} first`,
        claim,
      );
    }
  }
  return undefined;
}

/** How a fact comes to stand: restored, or with another payload than it stands with now. */
function broughtAs(fact: StandingFact, stoodBefore: boolean): string {
  const event = `event ${fact.recorded.eventId} (${fact.type})`;
  if (!stoodBefore) return `restore ${event}`;
  if (fact.correctedBy?.eventId === NEW_EVENT_ID) return `make ${event} stand as its replacement`;
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
