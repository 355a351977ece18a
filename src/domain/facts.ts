/**
 * The facts the domain reads: an event as the ledger recorded it, and as it
 * stands once retractions and corrections are settled. Both are unions keyed
 * by the event type, so checking `type` narrows `data` to that event's payload.
 */
import type { CommandType, EVENT_TYPE_OF, EventType, PayloadOf } from './messages.js';
import type { Position } from './position.js';
import { toMillis } from './time.js';

/** Each event type's payload. */
export type EventPayloads = { [K in CommandType as (typeof EVENT_TYPE_OF)[K]]: PayloadOf[K] };

/** The payload of an event of type T. */
export type DataOf<T extends EventType> = EventPayloads[T];

interface FactStamp {
  eventId: string;
  revision: number;
  position: Position;
  recordedAt: string;
}

/** An event as the log holds it, its payload not yet checked against its type (see `readFact`). */
export interface UncheckedFact extends FactStamp {
  type: string;
  data: unknown;
}

/** A recorded event whose payload reads as its type says. */
export type ReadableFact<T extends EventType = EventType> = {
  [K in T]: FactStamp & { type: K; data: DataOf<K>; unreadable?: undefined };
}[T];

/** A recorded event no reader can interpret (see fact-reading.ts): set aside, never standing; its data is as stored. */
export interface UnreadableFact extends UncheckedFact {
  /** Why the payload cannot be read. */
  unreadable: string;
}

/** An event as the ledger recorded it. */
export type RecordedFact = ReadableFact | UnreadableFact;

/** An event that stands as known: not retracted, with its latest correction applied. */
export type StandingFact<T extends EventType = EventType> = {
  [K in T]: {
    /** The recorded event's type: checking it narrows `data`. */
    type: K;
    recorded: ReadableFact<K>;
    /** The payload in force: the original, or the replacement of the latest correction (checked as a payload of K). */
    data: DataOf<K>;
    correctedBy?: ReadableFact<'EntryCorrected'>;
    /** Record order within the measure, for ties in valid time. */
    order: number;
    /** `effectiveFrom` in epoch ms (NaN for facts without one), parsed once. */
    fromMs: number;
  };
}[T];

/** The announcement an event puts into force, if it enacts one. */
export const enactsOf = (data: DataOf<EventType>): string | undefined => ('enacts' in data ? data.enacts : undefined);

/** When an event takes effect in valid time, if it has such an instant. */
export const effectiveFromOf = (data: DataOf<EventType>): string | undefined =>
  'effectiveFrom' in data ? data.effectiveFrom : undefined;

/**
 * The standing fact of a recorded event with the payload in force. `data` is
 * the event's own payload or a correction's replacement, which `readFact`
 * checked as a payload of the event's type: TypeScript cannot follow that
 * check, so this is the one place the pairing of `type` and `data` is asserted.
 */
export function standingFactOf(
  recorded: ReadableFact,
  data: DataOf<EventType>,
  order: number,
  correctedBy?: ReadableFact<'EntryCorrected'>,
): StandingFact {
  const from = effectiveFromOf(data);
  return {
    type: recorded.type,
    recorded,
    data,
    order,
    fromMs: from === undefined ? NaN : toMillis(from),
    ...(correctedBy ? { correctedBy } : {}),
  } as StandingFact;
}

/** Whether a readable fact retracts or corrects another (such facts never stand themselves). */
export const isAmending = (fact: ReadableFact): fact is ReadableFact<'EntryRetracted' | 'EntryCorrected'> =>
  fact.type === 'EntryRetracted' || fact.type === 'EntryCorrected';

/** The event a readable retraction or correction amends. */
export const targetOf = (fact: RecordedFact): string | undefined =>
  fact.unreadable === undefined && isAmending(fact) ? fact.data.eventId : undefined;

/** The exemption a grant, an amendment or a revocation concerns. */
export const exemptionIdOf = (data: DataOf<EventType>): string | undefined =>
  'exemptionId' in data ? data.exemptionId : undefined;

/** The subjects a payload names (a correction: those its replacement names too). */
export function subjectsNamedIn(data: DataOf<EventType>): string[] {
  const named = [
    ...('subjects' in data ? (data.subjects ?? []) : []),
    ...('addSubjects' in data ? (data.addSubjects ?? []) : []),
    ...('removeSubjects' in data ? (data.removeSubjects ?? []) : []),
  ];
  return 'replacement' in data ? [...named, ...subjectsNamedIn(data.replacement)] : named;
}

/** A payload's citation: every payload may carry one. */
export const citationOf = (fact: { data: DataOf<EventType> } | undefined): string | undefined => fact?.data.citation;

/** The categories a payload names, in scopes, narrowings, exemptions and their amendments (not a correction's replacement). */
export function categoriesNamedIn(data: DataOf<EventType>): string[] {
  return [
    ...('categories' in data ? (data.categories ?? []) : []),
    ...('narrowTo' in data ? (data.narrowTo ?? []) : []),
    ...('remove' in data ? (data.remove ?? []) : []),
    ...('addCategories' in data ? (data.addCategories ?? []) : []),
    ...('removeCategories' in data ? (data.removeCategories ?? []) : []),
  ];
}
