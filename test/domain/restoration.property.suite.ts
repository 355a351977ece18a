/**
 * Over random command sequences on a few exemption and announcement ids, heavy
 * in retractions (of retractions and of corrections, at any depth) and
 * corrections: after every command the decider accepts, the measure as it
 * then stands breaks no rule the other commands keep, and a retraction or
 * correction the decider refuses is one that, recorded regardless, would have
 * broken one. The measure is resolved here, by this file's own reading of
 * DOMAIN.md ("What a query answers", step 1), not by the decider's.
 *
 * The rules, over the facts standing: one grant per exemption id, one
 * announcement per announcement id, one revocation per grant, one lifting, one
 * withdrawal or enactment per announcement; and a fact that comes to stand
 * (recorded, restored, or standing with another payload) stands with what it
 * acts on: the imposition, the grant it amends or revokes, the announcement it
 * withdraws or enacts. What an amendment, revocation, withdrawal or enactment
 * acts on is the latest standing grant or announcement of its id recorded
 * before it (a corrected fact keeps its place). And what rests on a fact that
 * comes to stand anew keeps its rules with it: what acted on a grant or
 * announcement still does, an amendment ends its exemption after the grant's
 * start, and an exemption covers some category at every step in valid time
 * (only what the change breaks: taking a fact out is never refused).
 */
import '../support/fast-check-seed.js';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decide, evolve, initialState, type MeasureStream } from '../../src/domain/decide.js';
import { EVENT_TYPE_OF, type LedgerCommand } from '../../src/domain/messages.js';
import { expectEqual } from '../support/expect-equal.js';

interface Logged {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
}

/** The events taken out by a standing retraction. */
function retractedIn(log: readonly Logged[]): Set<string> {
  const retracted = new Set<string>();
  // A retraction takes its target out unless it is itself taken out; its target always comes before it.
  for (let i = log.length - 1; i >= 0; i--) {
    const event = log[i]!;
    if (event.type === 'EntryRetracted' && !retracted.has(event.eventId)) retracted.add(event.data.eventId as string);
  }
  return retracted;
}

/** The facts standing (not retractions, not corrections), each with the payload in force, by event id. */
function standingFacts(log: readonly Logged[]): Map<string, Logged> {
  const retracted = retractedIn(log);
  const replacement = new Map<string, Record<string, unknown>>();
  for (const event of log) {
    if (event.type === 'EntryCorrected' && !retracted.has(event.eventId)) {
      replacement.set(event.data.eventId as string, event.data.replacement as Record<string, unknown>);
    }
  }
  const facts = new Map<string, Logged>();
  for (const event of log) {
    if (retracted.has(event.eventId) || event.type === 'EntryRetracted' || event.type === 'EntryCorrected') continue;
    facts.set(event.eventId, { ...event, data: replacement.get(event.eventId) ?? event.data });
  }
  return facts;
}

/**
 * The rules the measure breaks once `after` stands where `before` stood: empty when it breaks none. A corrected
 * event comes to stand anew even with the payload it had (the correction states it again, whole).
 */
/**
 * What each fact acts on: the latest standing grant or announcement of its id recorded before it (the facts are in
 * record order, a corrected fact in its own place). Keyed `<eventId> grant` and `<eventId> announcement`.
 */
function actedOn(facts: Map<string, Logged>): Map<string, string | undefined> {
  const latest = new Map<string, string>();
  const actsOn = new Map<string, string | undefined>();
  for (const [eventId, { type, data: payload }] of facts) {
    const data = payload as Record<string, string | undefined>;
    if (type === 'ExemptionAmended' || type === 'ExemptionRevoked')
      actsOn.set(`${eventId} grant`, latest.get(`grant of ${data.exemptionId}`));
    const closed = type === 'AnnouncementWithdrawn' ? data.announcementId : data.enacts;
    if (type !== 'RestrictionImposed' && closed !== undefined)
      actsOn.set(`${eventId} announcement`, latest.get(`announcement of ${closed}`));
    if (type === 'ExemptionGranted') latest.set(`grant of ${data.exemptionId}`, eventId);
    if (type === 'EasingAnnounced') latest.set(`announcement of ${data.announcementId}`, eventId);
  }
  return actsOn;
}

/** Whether a category is the other or below it. */
const within = (category: string, other: string) => category === other || category.startsWith(`${other}/`);

/**
 * Whether a series of category changes, each adding or taking out a category (and all below it), leaves nothing:
 * a category is in when the last change over it adds. Probing each category named, and one below each that no
 * change names, covers every category there is.
 */
function coversNothing(changes: readonly { category: string; add: boolean }[]): boolean {
  const probes = changes.flatMap(({ category }) => [category, `${category}/unnamed`]);
  return probes.every((probe) => ![...changes].reverse().find(({ category }) => within(probe, category))?.add);
}

/**
 * The rules between each grant and its changes that the facts break: an amendment ending the exemption at or
 * before the grant's start, and an exemption covering nothing as granted or after an amendment (in valid time,
 * ties in record order, up to its revocation). Named by the events, so a change can be told from what was before.
 */
function exemptionRules(facts: Map<string, Logged>): Set<string> {
  const actsOn = actedOn(facts);
  const broken = new Set<string>();
  for (const [grantId, grant] of facts) {
    if (grant.type !== 'ExemptionGranted') continue;
    const changes = [...facts].filter(([eventId]) => actsOn.get(`${eventId} grant`) === grantId);
    const start = Date.parse(grant.data.effectiveFrom as string);
    for (const [eventId, { data }] of changes)
      if (data.effectiveUntil !== undefined && Date.parse(data.effectiveUntil as string) <= start)
        broken.add(`${eventId} ends grant ${grantId} before its start`);
    const categories = (grant.data.categories as string[]).map((category) => ({ category, add: true }));
    if (coversNothing(categories)) broken.add(`grant ${grantId} covers nothing`);
    const inValidTime = changes.sort(
      ([, a], [, b]) => Date.parse(a.data.effectiveFrom as string) - Date.parse(b.data.effectiveFrom as string),
    );
    for (const [eventId, { type, data }] of inValidTime) {
      if (type === 'ExemptionRevoked') break;
      for (const category of (data.addCategories as string[] | undefined) ?? [])
        categories.push({ category, add: true });
      for (const category of (data.removeCategories as string[] | undefined) ?? [])
        categories.push({ category, add: false });
      if (coversNothing(categories)) broken.add(`grant ${grantId} covers nothing after ${eventId}`);
    }
  }
  return broken;
}

function brokenRules(
  before: Map<string, Logged>,
  after: Map<string, Logged>,
  corrected?: string,
  /** The log, for record order: a fact comes before the events recorded after it. */
  log?: readonly Logged[],
): string[] {
  const broken: string[] = [];
  const holders = new Map<string, number>();
  // A revocation, withdrawal or enactment acting on nothing (what it acted on taken out since) holds nothing.
  const hold = (key: string) => !key.endsWith(' of undefined') && holders.set(key, (holders.get(key) ?? 0) + 1);
  const actsOn = actedOn(after);
  let imposed = false;
  for (const [eventId, { type, data: payload }] of after) {
    const data = payload as Record<string, string | undefined>;
    if (type === 'RestrictionImposed') imposed = true;
    if (type === 'ExemptionGranted') hold(`grant of ${data.exemptionId}`);
    if (type === 'EasingAnnounced') hold(`announcement of ${data.announcementId}`);
    if (type === 'ExemptionRevoked') hold(`revocation of ${actsOn.get(`${eventId} grant`)}`);
    if (type === 'RestrictionLifted') hold('lifting');
    const closed = type === 'AnnouncementWithdrawn' ? data.announcementId : data.enacts;
    if (type !== 'RestrictionImposed' && closed !== undefined)
      hold(`closing of ${actsOn.get(`${eventId} announcement`)}`);
  }
  for (const [key, count] of holders) if (count > 1) broken.push(`${count} standing: ${key}`);
  for (const [eventId, { type, data: payload }] of after) {
    const data = payload as Record<string, string | undefined>;
    const was = before.get(eventId);
    if (was && eventId !== corrected && JSON.stringify(was.data) === JSON.stringify(data)) continue;
    if (type !== 'RestrictionImposed' && !imposed) broken.push(`${type} ${eventId} stands without the imposition`);
    if ((type === 'ExemptionAmended' || type === 'ExemptionRevoked') && !actsOn.get(`${eventId} grant`))
      broken.push(`${type} ${eventId} stands without a grant of ${data.exemptionId} recorded before it`);
    const announcement = type === 'AnnouncementWithdrawn' ? data.announcementId : data.enacts;
    if (type !== 'RestrictionImposed' && announcement !== undefined && !actsOn.get(`${eventId} announcement`))
      broken.push(`${type} ${eventId} stands without announcement ${announcement} recorded before it`);
  }
  // A grant or announcement brought back by a retraction takes on no change recorded after another of its id was.
  if (!corrected && log) {
    const actedBefore = actedOn(before);
    const held = (fact: Logged) =>
      fact.type === 'ExemptionGranted'
        ? `grant of ${fact.data.exemptionId as string}`
        : fact.type === 'EasingAnnounced'
          ? `announcement of ${fact.data.announcementId as string}`
          : undefined;
    const at = (eventId: string) => log.findIndex((e) => e.eventId === eventId);
    for (const [key, on] of actsOn) {
      const change = key.split(' ')[0]!;
      if (on === undefined || actedBefore.get(key) === on) continue;
      if (before.has(on) && JSON.stringify(before.get(on)!.data) === JSON.stringify(after.get(on)!.data)) continue;
      const id = held(after.get(on)!);
      if (log.some((e, i) => held(e) === id && i > at(on) && i < at(change)))
        broken.push(`${change} was about another ${id}, and would act on ${on}`);
    }
  }
  // What rests on a fact come to stand anew keeps its rules with it: only what the change breaks counts.
  const anew = [...after].some(
    ([eventId, fact]) =>
      eventId === corrected || JSON.stringify(before.get(eventId)?.data) !== JSON.stringify(fact.data),
  );
  if (anew) {
    const brokenBefore = new Set([...exemptionRules(before), ...withdrawalRules(before)]);
    for (const rule of [...exemptionRules(after), ...withdrawalRules(after)])
      if (!brokenBefore.has(rule)) broken.push(rule);
    const actedBefore = actedOn(before);
    for (const [key, on] of actedBefore) {
      const eventId = key.split(' ')[0]!;
      const [was, now] = [before.get(eventId), after.get(eventId)];
      // A fact taken out, or come to stand anew itself, is judged above.
      if (!now || eventId === corrected || JSON.stringify(was!.data) !== JSON.stringify(now.data)) continue;
      if (on !== undefined && after.has(on) && actsOn.get(key) !== on)
        broken.push(`${eventId} acted on ${on}, and would act on ${actsOn.get(key) ?? 'nothing'}`);
    }
  }
  // A grant or announcement corrected to another id takes on nothing that acted on nothing before.
  const idOf = (fact: Logged | undefined) => fact && (fact.data.exemptionId ?? fact.data.announcementId);
  if (corrected && idOf(after.get(corrected)) !== idOf(before.get(corrected))) {
    const actedBefore = actedOn(before);
    for (const [key, on] of actsOn)
      if (on === corrected && before.has(key.split(' ')[0]!) && actedBefore.get(key) === undefined)
        broken.push(`${key.split(' ')[0]} acted on nothing, and would act on ${corrected}`);
  }
  return broken;
}

/** Each standing withdrawal dated before the announcement it closes was announced. */
function withdrawalRules(facts: Map<string, Logged>): Set<string> {
  const closes = actedOn(facts);
  const broken = new Set<string>();
  for (const [eventId, { type, data }] of facts) {
    const on = type === 'AnnouncementWithdrawn' ? closes.get(`${eventId} announcement`) : undefined;
    const announcedAt = on === undefined ? undefined : (facts.get(on)?.data.announcedAt as string | undefined);
    if (announcedAt !== undefined && Date.parse(data.withdrawnAt as string) < Date.parse(announcedAt))
      broken.add(`${eventId} withdraws ${on} before it was announced`);
  }
  return broken;
}

const EXEMPTIONS = ['e1', 'e2'];
const ANNOUNCEMENTS = ['a1', 'a2'];
const day = (n: number) => new Date(Date.UTC(2019, 0, 2 + n)).toISOString();
const M = { measureId: 'm1' };

/** One step: a kind (0–99, weighted to retractions and corrections), three choices read by the kind, and the shape of an exemption or its change. */
const stepArbitrary = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  shape: fc.integer({ min: 0, max: 1023 }),
});
type Step = { kind: number; a: number; b: number; c: number; shape: number };

/** `enacts` chosen by c: mostly none. */
const enacting = (c: number) => (c % 3 === 0 ? { enacts: ANNOUNCEMENTS[c % ANNOUNCEMENTS.length]! } : {});

/** The facts a correction may replace here: the ones whose replacement's checks are the rules above. */
const CORRECTABLE = new Set([
  'ExemptionGranted',
  'ExemptionAmended',
  'ExemptionRevoked',
  'EasingAnnounced',
  'AnnouncementWithdrawn',
  'RestrictionLifted',
  'SubjectsAdded',
]);

/** A grant's categories, chosen by n: its only category is the one an amendment may take out. */
const grantedCategories = (n: number) => (n % 3 === 0 ? ['x/y', 'x/z'] : n % 3 === 1 ? ['x/y'] : ['x/z']);

/** What an amendment changes, chosen by n: a category added or taken out, or the end (from its start, by days). */
function amendment(n: number, from: number): Record<string, unknown> {
  if (n % 4 === 0) return { addCategories: ['x/z'] };
  if (n % 4 === 1) return { removeCategories: ['x/y'] };
  if (n % 4 === 2) return { removeCategories: ['x/z'], addCategories: ['x/y'] };
  return { effectiveUntil: day(from + 1 + ((n >> 2) % 12)) };
}

/**
 * The payload with its `enacts` chosen anew by c and, by b, its id, or for half the grants their start and
 * categories instead; an amendment's changes are chosen anew by c.
 */
function replaced(target: Logged, { b, c, shape }: Step): Record<string, unknown> {
  const { enacts: _enacts, ...payload } = target.data;
  let data = payload;
  if (target.type === 'ExemptionGranted' && (b >> 1) % 2 === 0)
    data = { ...data, effectiveFrom: day(shape % 30), categories: grantedCategories(shape >> 5) };
  else if ('exemptionId' in data) data.exemptionId = EXEMPTIONS[b % EXEMPTIONS.length];
  if ('announcementId' in data) data.announcementId = ANNOUNCEMENTS[b % ANNOUNCEMENTS.length];
  if (target.type === 'ExemptionAmended') {
    const { measureId, exemptionId, effectiveFrom } = data;
    data = {
      measureId,
      exemptionId,
      effectiveFrom,
      ...amendment(shape, (Date.parse(effectiveFrom as string) - Date.parse(day(0))) / 864e5),
    };
  }
  const legal = target.type !== 'EasingAnnounced' && target.type !== 'AnnouncementWithdrawn';
  return legal ? { ...data, ...enacting(c) } : data;
}

function commandOf(step: Step, log: readonly Logged[]): LedgerCommand {
  const { kind, a, b, c, shape } = step;
  const exemptionId = EXEMPTIONS[a % EXEMPTIONS.length]!;
  const announcementId = ANNOUNCEMENTS[a % ANNOUNCEMENTS.length]!;
  if (kind < 40) {
    // A third of the time a retraction or correction, so chains grow deep; a third one of the last few events, so
    // a fact is often retracted before the next of its kind is recorded (and restored after).
    const amending = log.filter((e) => e.type === 'EntryRetracted' || e.type === 'EntryCorrected');
    const pool = b % 3 === 0 && amending.length ? amending : b % 3 === 1 ? log.slice(-3) : log;
    return { type: 'RetractEntry', ...M, eventId: pool[a % pool.length]!.eventId, reason: 'r' };
  }
  if (kind < 60) {
    const targets = log.filter((e) => CORRECTABLE.has(e.type));
    if (targets.length) {
      const target = targets[a % targets.length]!;
      return {
        type: 'CorrectEntry',
        ...M,
        eventId: target.eventId,
        reason: 'c',
        replacement: replaced(target, step) as never,
      };
    }
  }
  if (kind < 68)
    return {
      type: 'GrantExemption',
      ...M,
      exemptionId,
      title: 'licence',
      categories: grantedCategories(shape),
      effectiveFrom: day(b % 30),
      ...enacting(c),
    };
  if (kind < 76)
    return { type: 'AmendExemption', ...M, exemptionId, effectiveFrom: day(b % 30), ...amendment(shape, b % 30) };
  if (kind < 81) return { type: 'RevokeExemption', ...M, exemptionId, effectiveFrom: day(b % 30), ...enacting(c) };
  if (kind < 87) return { type: 'AnnounceEasing', ...M, announcementId, statement: 's', announcedAt: day(b % 30) };
  if (kind < 92) return { type: 'WithdrawAnnouncement', ...M, announcementId, withdrawnAt: day(b % 30) };
  if (kind < 97) return { type: 'LiftRestriction', ...M, effectiveFrom: day(30 + (b % 30)), ...enacting(c) };
  return { type: 'AddSubjects', ...M, subjects: ['s2'], effectiveFrom: day(b % 30), ...enacting(c) };
}

const imposition: LedgerCommand = {
  type: 'ImposeRestriction',
  ...M,
  title: 't',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['s1'],
  categories: ['x'],
  effectiveFrom: day(0),
};

interface Seen {
  acceptedRestorations: number;
  refused: number;
  deepest: number;
  /** How many refusals of each command under each rule. */
  refusals: Map<string, number>;
}

/**
 * Runs the steps through the decider from the imposition: after every command it accepts, the measure breaks no
 * rule; a retraction or correction it refuses (or an amendment it refuses as covering nothing) would have broken one.
 */
function checkRun(steps: Step[], commandFor: (step: Step, log: readonly Logged[]) => LedgerCommand, seen: Seen): void {
  let state: MeasureStream = initialState('m1');
  const log: Logged[] = [];
  const record = (type: string, data: Record<string, unknown>) => {
    const event = { eventId: `event-${log.length}`, type, data };
    log.push(event);
    state = evolve(state, {
      ...event,
      revision: state.revision + 1,
      position: BigInt(log.length),
      recordedAt: new Date(Date.UTC(2030, 0, 1) + log.length * 1000).toISOString(),
    });
  };
  for (const command of [imposition, ...steps.map((step) => () => commandFor(step, log))]) {
    const next = typeof command === 'function' ? command() : command;
    const decision = decide(next, state);
    const { type: _type, ...data } = next;
    const before = standingFacts(log);
    const unchecked = standingFacts([...log, { eventId: 'unchecked', type: EVENT_TYPE_OF[next.type], data }]);
    const broken = brokenRules(before, unchecked, next.type === 'CorrectEntry' ? next.eventId : undefined, log);
    if (next.type === 'CorrectEntry' && revokedBefore(before, next.eventId, next.replacement))
      broken.push(`${next.eventId} amends a revoked exemption, as no amendment recorded now may`);
    if (decision.events) {
      expectEqual({ accepted: next, broken }, { accepted: next, broken: [] });
      record(decision.events[0]!.type, decision.events[0]!.data as unknown as Record<string, unknown>);
      seen.deepest = Math.max(seen.deepest, depthOf(log, log.length - 1));
      if (next.type === 'RetractEntry' && log.find((e) => e.eventId === next.eventId)!.type === 'EntryRetracted')
        seen.acceptedRestorations++;
    } else if (
      next.type === 'RetractEntry' ||
      next.type === 'CorrectEntry' ||
      decision.rejection.rule === 'exemption-covers-something'
    ) {
      if ('eventId' in next && decision.rejection.rule === 'event-not-retracted') {
        expect(retractedIn(log).has(next.eventId)).toBe(true);
        continue;
      }
      // Recorded regardless, it would have broken a rule.
      expectEqual(
        { refused: next, rule: decision.rejection.rule, broken: broken.length > 0 },
        { refused: next, rule: decision.rejection.rule, broken: true },
      );
      seen.refused++;
      const refusal = `${next.type} ${decision.rejection.rule}`;
      seen.refusals.set(refusal, (seen.refusals.get(refusal) ?? 0) + 1);
    }
  }
}

/** Only exemptions: grants, amendments and revocations, retracted and corrected, the imposition left standing. */
function exemptionCommandOf(step: Step, log: readonly Logged[]): LedgerCommand {
  const { kind, a, b, shape } = step;
  const exemptionId = EXEMPTIONS[a % EXEMPTIONS.length]!;
  if (kind < 30) {
    const amending = log.filter((e) => e.type === 'EntryRetracted' || e.type === 'EntryCorrected');
    const facts = log.slice(1);
    const pool = b % 3 === 0 && amending.length ? amending : b % 3 === 1 ? facts.slice(-3) : facts;
    if (pool.length) return { type: 'RetractEntry', ...M, eventId: pool[a % pool.length]!.eventId, reason: 'r' };
  }
  const targets = log.filter((e) => e.type === 'ExemptionGranted' || e.type === 'ExemptionAmended');
  if (kind < 55 && targets.length) {
    // No `enacts`: no announcement is made here.
    const target = targets[a % targets.length]!;
    const { enacts: _enacts, ...replacement } = replaced(target, { ...step, c: 1 });
    return { type: 'CorrectEntry', ...M, eventId: target.eventId, reason: 'c', replacement: replacement as never };
  }
  if (kind < 70) {
    const categories = grantedCategories(shape);
    const effectiveFrom = day((shape >> 3) % 30);
    return { type: 'GrantExemption', ...M, exemptionId, title: 'licence', categories, effectiveFrom };
  }
  if (kind < 92)
    return { type: 'AmendExemption', ...M, exemptionId, effectiveFrom: day(b % 30), ...amendment(shape, b % 30) };
  return { type: 'RevokeExemption', ...M, exemptionId, effectiveFrom: day(b % 30) };
}

const newSeen = (): Seen => ({ acceptedRestorations: 0, refused: 0, deepest: 0, refusals: new Map() });
const rulesOf = (seen: Seen) => new Set([...seen.refusals.keys()].map((refusal) => refusal.split(' ')[1]));

describe('domain/restoration.property', () => {
  it('accepts a retraction or correction exactly when what then stands breaks no rule the other commands keep', () => {
    const seen = newSeen();
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 5, maxLength: 60 }), (steps) =>
        checkRun(steps, commandOf, seen),
      ),
      { numRuns: 600 },
    );
    // The runs reached what they are about: undone retractions accepted and refused, chains several links deep.
    expect(seen.acceptedRestorations).toBeGreaterThan(500);
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.deepest).toBeGreaterThanOrEqual(5);
    // Refusals under most of the rules (all seven with the fixed seed).
    expect(rulesOf(seen).size).toBeGreaterThanOrEqual(5);
  });

  it('keeps what rests on a grant keeping its rules through corrections and undone retractions', () => {
    const seen = newSeen();
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 5, maxLength: 60 }), (steps) =>
        checkRun(steps, exemptionCommandOf, seen),
      ),
      { numRuns: 800 },
    );
    // Each rule of what rests on a grant refused amendments, corrections and undone retractions.
    const refused = (refusal: string) => seen.refusals.get(refusal) ?? 0;
    expect(refused('AmendExemption exemption-covers-something')).toBeGreaterThan(20);
    expect(refused('CorrectEntry exemption-covers-something')).toBeGreaterThan(5);
    expect(refused('CorrectEntry until-after-from')).toBeGreaterThan(5);
    const restorations = ['exemption-exists', 'until-after-from', 'exemption-covers-something'];
    expect(restorations.reduce((sum, rule) => sum + refused(`RetractEntry ${rule}`), 0)).toBeGreaterThan(10);
  });
});

/**
 * Whether the fact is an amendment, and its replacement names an exemption whose latest grant a standing revocation
 * acts on: a replacement is checked as its command recorded now would be (DOMAIN.md), and no amendment of a revoked
 * exemption is recorded now.
 */
function revokedBefore(facts: Map<string, Logged>, eventId: string, replacement: object): boolean {
  const { exemptionId } = replacement as { exemptionId?: string };
  if (facts.get(eventId)?.type !== 'ExemptionAmended') return false;
  const grants = [...facts].filter(([, f]) => f.type === 'ExemptionGranted' && f.data.exemptionId === exemptionId);
  const grant = grants.at(-1)?.[0];
  const actsOn = actedOn(facts);
  return [...facts].some(([id, fact]) => fact.type === 'ExemptionRevoked' && actsOn.get(`${id} grant`) === grant);
}

/** How many retractions lead from the event at `index` down to a fact. */
function depthOf(log: readonly Logged[], index: number): number {
  let depth = 0;
  for (let event = log[index]; event?.type === 'EntryRetracted'; depth++) {
    const target = event.data.eventId;
    event = log.find((e) => e.eventId === target);
  }
  return depth;
}
