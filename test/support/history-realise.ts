/**
 * Intents made into a log (history-generator.ts draws them): each command through the decider, rejected ones
 * dropped as the ledger would; retractions, corrections, renewals and restorations aimed at events already realised.
 * With a `Realisation`, commands carry provenance, are written as clients write them and read back by the ledger's
 * instant parser, and are recorded among the valid times they name.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { decide, evolve, initialState, type MeasureStream } from '../../src/domain/decide.js';
import type { ReadableFact } from '../../src/domain/facts.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { uncheckedFactOf, type LoggedEvent } from '../../src/domain/recorded-fact.js';
import { choices, readInstants, withProvenance, written } from './written-instants.js';

export const DAY = 86_400_000;
export const EPOCH = Date.UTC(2019, 0, 1);

/** An example's imposition: measure m1 restricting category x for s1 from 2019-01-01, with `extra` fields over it. */
export function imposition(extra: Partial<Extract<LedgerCommand, { type: 'ImposeRestriction' }>> = {}): Intent {
  const measure = { measureId: 'm1', title: 't', jurisdiction: 'US', authority: 'BIS' };
  const restricts = { subjects: ['s1'], categories: ['x'], effectiveFrom: '2019-01-01T00:00:00.000Z' };
  return { kind: 'command', command: { type: 'ImposeRestriction', ...measure, ...restricts, ...extra } };
}

/** What the generator asks for; targets of retractions, corrections, renewals and restorations are picked when applied. */
export type Intent =
  | { kind: 'command'; command: LedgerCommand }
  | { kind: 'retract'; measureId: string; pick: number }
  | {
      kind: 'correct';
      measureId: string;
      pick: number;
      /** Days every date moves by, plus `shiftMs` more. */
      shift: number;
      shiftMs?: number;
      categories?: string[];
      subjects?: string[];
      citation?: string;
    }
  /** A licence renewed `gap` days (plus `gapMs`) after it ended (0: at the very instant), for `days` more: a lapse in between. */
  | { kind: 'renew'; measureId: string; pick: number; gap: number; gapMs?: number; days: number }
  /** Categories an amendment took out of an exemption, put back `after` days (plus `afterMs`) later. */
  | { kind: 'restore'; measureId: string; pick: number; after: number; afterMs?: number };

const DATE_FIELDS = ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'];

function corrected(
  data: Record<string, unknown>,
  intent: Extract<Intent, { kind: 'correct' }>,
): Record<string, unknown> {
  const replacement: Record<string, unknown> = { ...data };
  for (const field of DATE_FIELDS) {
    if (typeof replacement[field] === 'string')
      replacement[field] = new Date(
        Date.parse(replacement[field]) + intent.shift * DAY + (intent.shiftMs ?? 0),
      ).toISOString();
  }
  if (intent.categories && Array.isArray(replacement.categories)) replacement.categories = intent.categories;
  if (intent.subjects && Array.isArray(replacement.subjects)) replacement.subjects = intent.subjects;
  if (intent.citation) replacement.citation = intent.citation;
  return replacement;
}

const grantsIn = (state: MeasureStream) =>
  state.recorded.filter(
    (f): f is ReadableFact<'ExemptionGranted'> => f.unreadable === undefined && f.type === 'ExemptionGranted',
  );
const amendmentsIn = (state: MeasureStream) =>
  state.recorded.filter(
    (f): f is ReadableFact<'ExemptionAmended'> => f.unreadable === undefined && f.type === 'ExemptionAmended',
  );
const nth = <T>(items: T[], pick: number): T | undefined => items[pick % Math.max(1, items.length)];
const shifted = (instant: string, days: number, ms = 0) =>
  new Date(Date.parse(instant) + days * DAY + ms).toISOString();

/** An amendment renewing an exemption after its current end (as last recorded), leaving a lapse of `gap` days. */
function renewal(state: MeasureStream, intent: Extract<Intent, { kind: 'renew' }>): LedgerCommand | undefined {
  const grant = nth(grantsIn(state), intent.pick);
  if (!grant) return undefined;
  const { exemptionId } = grant.data;
  let end = grant.data.effectiveUntil;
  for (const f of amendmentsIn(state))
    if (f.data.exemptionId === exemptionId && f.data.effectiveUntil) end = f.data.effectiveUntil;
  if (!end) return undefined;
  const from = shifted(end, intent.gap, intent.gapMs);
  return {
    type: 'AmendExemption',
    measureId: state.measureId,
    exemptionId,
    effectiveFrom: from,
    effectiveUntil: shifted(from, intent.days),
  };
}

/** An amendment putting back what an earlier amendment removed from an exemption: narrowed, then broadened again. */
function restoration(state: MeasureStream, intent: Extract<Intent, { kind: 'restore' }>): LedgerCommand | undefined {
  const narrowing = nth(
    amendmentsIn(state).filter((f) => f.data.removeCategories?.length),
    intent.pick,
  );
  if (!narrowing) return undefined;
  return {
    type: 'AmendExemption',
    measureId: state.measureId,
    exemptionId: narrowing.data.exemptionId,
    effectiveFrom: shifted(narrowing.data.effectiveFrom, intent.after, intent.afterMs),
    addCategories: narrowing.data.removeCategories!,
  };
}

/** What an event says about a grant or an announcement: the id it holds, amends, revokes, withdraws or enacts. */
function aboutOf(fact: ReadableFact): string | undefined {
  const data = fact.data as unknown as Record<string, unknown>;
  if (fact.type === 'ExemptionGranted' || fact.type === 'EasingAnnounced') return undefined;
  if (fact.type === 'ExemptionAmended' || fact.type === 'ExemptionRevoked') return `e ${String(data.exemptionId)}`;
  if (fact.type === 'AnnouncementWithdrawn') return `a ${String(data.announcementId)}`;
  return typeof data.enacts === 'string' ? `a ${data.enacts}` : undefined;
}

/** The key of what a grant or announcement holds: its kind and id. */
const heldBy = (fact: ReadableFact) =>
  fact.type === 'ExemptionGranted'
    ? `e ${fact.data.exemptionId}`
    : fact.type === 'EasingAnnounced'
      ? `a ${fact.data.announcementId}`
      : undefined;

/** The grants and announcements that an amendment, revocation, withdrawal or enactment recorded since is about. */
function actedOnIn(state: MeasureStream): ReadableFact[] {
  const recorded = state.recorded.filter((f): f is ReadableFact => f.unreadable === undefined);
  return recorded.filter((f, i) => {
    const id = heldBy(f);
    return id !== undefined && recorded.slice(i + 1).some((later) => aboutOf(later) === id);
  });
}

/**
 * The command giving an id again, as first given, once a grant or announcement something acted on is retracted (as a
 * mistake): what acted on the first must not act on the second.
 */
function givenAgain(state: MeasureStream, retracted: string): LedgerCommand | undefined {
  const target = actedOnIn(state).find((f) => f.eventId === retracted);
  if (!target) return undefined;
  const type = target.type === 'ExemptionGranted' ? 'GrantExemption' : 'AnnounceEasing';
  return { type, ...(target.data as object) } as LedgerCommand;
}

/** How `realise` writes and records commands beyond the default (see `HistoryOptions`), with choices from `seed`. */
export interface Realisation {
  written?: boolean;
  provenance?: boolean;
  recordedNearValidTimes?: boolean;
  seed?: number;
  /** Told each command accepted, as written and as meant. */
  seen?: (text: LedgerCommand, meant: LedgerCommand, event: LoggedEvent) => void;
}

/**
 * The command as the ledger reads it from what a client wrote: each instant through the ledger's own instant parser
 * (parseCommand, the whole path, costs a millisecond a command: `writtenCommandsArbitrary` takes that path, for fewer
 * histories). Written any way, it must read as the command meant: a misreading fails the property using the history.
 */
function asRead(command: LedgerCommand, next: () => number): { read: LedgerCommand; text: LedgerCommand } {
  const text = written(command, next);
  const read = readInstants(text);
  if (!isDeepStrictEqual(read, command))
    throw new Error(
      `the ledger read ${JSON.stringify(text)} as ${JSON.stringify(read)}; meant ${JSON.stringify(command)}`,
    );
  return { read, text };
}

/** Applies intents through the decider; rejected ones are dropped, as the ledger would. */
export function realise(intents: Intent[], startMs = Date.UTC(2030, 0, 1), how: Realisation = {}): LoggedEvent[] {
  const next = choices(how.seed ?? 0);
  const streams = new Map<string, MeasureStream>();
  const events: LoggedEvent[] = [];
  let recordMs = startMs;
  for (const [index, intent] of intents.entries()) {
    const measureId = intent.kind === 'command' ? intent.command.measureId : intent.measureId;
    const state = streams.get(measureId) ?? initialState(measureId);
    let command: LedgerCommand | undefined;
    if (intent.kind === 'command') command = intent.command;
    else if (intent.kind === 'renew') command = renewal(state, intent);
    else if (intent.kind === 'restore') command = restoration(state, intent);
    else if (state.recorded.length) {
      // Seldom the imposition: retracting it ends the measure's history.
      const candidates = state.recorded.length > 1 && intent.pick % 10 !== 0 ? state.recorded.slice(1) : state.recorded;
      // A retraction now and then takes back a grant or announcement something acted on (see `givenAgain`).
      const actedOn = intent.kind === 'retract' && intent.pick % 2 === 1 ? actedOnIn(state) : [];
      const target =
        nth(actedOn, intent.pick >> 2) ?? candidates[candidates.length - 1 - (intent.pick % candidates.length)]!;
      command =
        intent.kind === 'retract'
          ? { type: 'RetractEntry', measureId, eventId: target.eventId, reason: 'generated' }
          : {
              type: 'CorrectEntry',
              measureId,
              eventId: target.eventId,
              reason: 'generated',
              replacement: corrected(target.data as never, intent) as never,
            };
    }
    if (!command || !record(command, index)) continue;
    // A retraction of a grant or announcement something acted on is followed by its id given again.
    const again = command.type === 'RetractEntry' && givenAgain(state, command.eventId);
    if (again) record(again, index);
  }
  return how.recordedNearValidTimes ? recordedNear(events, next) : events;

  /** Records a command the decider accepts, as the ledger would; false when it is rejected. */
  function record(command: LedgerCommand, index: number): boolean {
    const measureId = command.measureId;
    const state = streams.get(measureId) ?? initialState(measureId);
    // A client's command must be valid input: an amendment or narrowing that changes nothing is a 400 at the door.
    if (how.written && emptyChange(command)) return false;
    if (how.provenance) command = withProvenance(command, next);
    const decision = decide(command, state);
    if (decision.rejection) return false;
    let text = command;
    if (how.written) ({ read: command, text } = asRead(command, next));
    // Some consecutive events share a record time, as the events of one append would.
    if (index % 3 !== 0) recordMs += 60_000;
    const event: LoggedEvent = {
      streamId: `measure-${measureId}`,
      eventId: randomUUID(),
      type: decision.events[0]!.type,
      data: decision.events[0]!.data,
      revision: BigInt(state.revision + 1),
      position: BigInt(events.length + 1),
      recordedAt: new Date(recordMs).toISOString(),
    };
    events.push(event);
    how.seen?.(text, command, event);
    streams.set(measureId, evolve(state, uncheckedFactOf(event)));
    return true;
  }
}

/** The fields of which a command needs at least one (the DTOs' rule; the decider takes an empty change). */
const AT_LEAST_ONE_OF: Partial<Record<LedgerCommand['type'], string[]>> = {
  NarrowScope: ['remove', 'narrowTo'],
  AmendExemption: ['effectiveUntil', 'addCategories', 'removeCategories', 'addSubjects', 'removeSubjects'],
};
const emptyChange = (command: LedgerCommand) =>
  AT_LEAST_ONE_OF[command.type]?.every(
    (field) => (command as unknown as Record<string, unknown>)[field] === undefined,
  ) ?? false;

/** Every instant an event's data names, a correction's replacement's included. */
function instantsNamed(data: Record<string, unknown> | undefined): number[] {
  if (!data) return [];
  const own = DATE_FIELDS.filter((f) => typeof data[f] === 'string').map((f) => Date.parse(data[f] as string));
  return [...own, ...instantsNamed(data.replacement as Record<string, unknown> | undefined)];
}

/**
 * The events recorded among the valid times: each at, 1 ms either side of, or within a day of an instant it names
 * (a retraction: the instants of the event it retracts) when the record clock has not passed it yet, else a little
 * after the one before; some share the record time of the one before, as the events of one append do.
 */
function recordedNear(events: LoggedEvent[], next: () => number): LoggedEvent[] {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  let clock = EPOCH - 3 * DAY;
  return events.map((event, i) => {
    const choice = next();
    if (i > 0 && choice % 6 === 0) return { ...event, recordedAt: new Date(clock).toISOString() };
    const data = event.data as Record<string, unknown>;
    const target = typeof data.eventId === 'string' ? byId.get(data.eventId) : undefined;
    const named = [...instantsNamed(data), ...instantsNamed(target?.data as Record<string, unknown> | undefined)];
    const near = named.length
      ? named[choice % named.length]! + [0, 0, -1, 1, (next() % (2 * DAY)) - DAY][(choice >> 4) % 5]!
      : -Infinity;
    clock = near > clock ? near : clock + 1 + (next() % (DAY / 4));
    return { ...event, recordedAt: new Date(clock).toISOString() };
  });
}
