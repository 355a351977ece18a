/**
 * The ledger's commands and the events they append (DOMAIN.md, "Commands and
 * the events they append"). Each command appends exactly one event whose data
 * is the command's payload; instants in payloads are normalised UTC strings.
 */
import type { Instant } from './time.js';

export interface Source {
  url: string;
  title?: string;
  publishedAt?: Instant;
}

/** Accepted on every command: where the change comes from. */
export interface Provenance {
  citation?: string;
  sources?: Source[];
  publishedAt?: Instant;
  note?: string;
}

/** Accepted on every command with legal effect: the announcement it puts into force. */
export interface Enacting {
  enacts?: string;
}

export interface ImposeRestrictionPayload extends Provenance, Enacting {
  measureId: string;
  title: string;
  jurisdiction: string;
  authority: string;
  subjects: string[];
  categories: string[];
  effectiveFrom: Instant;
  effectiveUntil?: Instant;
  announcedAt?: Instant;
}

export interface SubjectsChangePayload extends Provenance, Enacting {
  measureId: string;
  subjects: string[];
  effectiveFrom: Instant;
}

export interface BroadenScopePayload extends Provenance, Enacting {
  measureId: string;
  categories: string[];
  effectiveFrom: Instant;
}

export interface NarrowScopePayload extends Provenance, Enacting {
  measureId: string;
  effectiveFrom: Instant;
  remove?: string[];
  narrowTo?: string[];
}

export interface AnnounceEasingPayload extends Provenance {
  measureId: string;
  announcementId: string;
  statement: string;
  announcedAt: Instant;
  categories?: string[];
}

export interface WithdrawAnnouncementPayload extends Provenance {
  measureId: string;
  announcementId: string;
  withdrawnAt: Instant;
}

export interface GrantExemptionPayload extends Provenance, Enacting {
  measureId: string;
  exemptionId: string;
  title: string;
  categories: string[];
  subjects?: string[];
  effectiveFrom: Instant;
  effectiveUntil?: Instant;
}

export interface AmendExemptionPayload extends Provenance, Enacting {
  measureId: string;
  exemptionId: string;
  effectiveFrom: Instant;
  effectiveUntil?: Instant;
  addCategories?: string[];
  removeCategories?: string[];
  addSubjects?: string[];
  removeSubjects?: string[];
}

export interface RevokeExemptionPayload extends Provenance, Enacting {
  measureId: string;
  exemptionId: string;
  effectiveFrom: Instant;
}

export interface LiftRestrictionPayload extends Provenance, Enacting {
  measureId: string;
  effectiveFrom: Instant;
}

export interface RetractEntryPayload extends Provenance {
  measureId: string;
  eventId: string;
  reason: string;
}

export interface CorrectEntryPayload extends Provenance {
  measureId: string;
  eventId: string;
  reason: string;
  /** The corrected event's payload, whole. */
  replacement: CorrectablePayload;
}

export interface PayloadOf {
  ImposeRestriction: ImposeRestrictionPayload;
  AddSubjects: SubjectsChangePayload;
  RemoveSubjects: SubjectsChangePayload;
  BroadenScope: BroadenScopePayload;
  NarrowScope: NarrowScopePayload;
  AnnounceEasing: AnnounceEasingPayload;
  WithdrawAnnouncement: WithdrawAnnouncementPayload;
  GrantExemption: GrantExemptionPayload;
  AmendExemption: AmendExemptionPayload;
  RevokeExemption: RevokeExemptionPayload;
  LiftRestriction: LiftRestrictionPayload;
  RetractEntry: RetractEntryPayload;
  CorrectEntry: CorrectEntryPayload;
}

export type CommandType = keyof PayloadOf;

export const EVENT_TYPE_OF = {
  ImposeRestriction: 'RestrictionImposed',
  AddSubjects: 'SubjectsAdded',
  RemoveSubjects: 'SubjectsRemoved',
  BroadenScope: 'ScopeBroadened',
  NarrowScope: 'ScopeNarrowed',
  AnnounceEasing: 'EasingAnnounced',
  WithdrawAnnouncement: 'AnnouncementWithdrawn',
  GrantExemption: 'ExemptionGranted',
  AmendExemption: 'ExemptionAmended',
  RevokeExemption: 'ExemptionRevoked',
  LiftRestriction: 'RestrictionLifted',
  RetractEntry: 'EntryRetracted',
  CorrectEntry: 'EntryCorrected',
} as const satisfies Record<CommandType, string>;

// Object.keys and Object.values type their results loosely; EVENT_TYPE_OF has exactly these keys and values.
export const COMMAND_TYPES = Object.keys(EVENT_TYPE_OF) as CommandType[];

export type EventType = (typeof EVENT_TYPE_OF)[CommandType];

export const EVENT_TYPES = Object.values(EVENT_TYPE_OF) as EventType[];

export const COMMAND_TYPE_OF = Object.fromEntries(
  COMMAND_TYPES.map((command) => [EVENT_TYPE_OF[command], command]),
) as Record<EventType, CommandType>;

/** Commands that change what is legally in force, and so may enact an announcement. */
export const LEGAL_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'ImposeRestriction',
  'AddSubjects',
  'RemoveSubjects',
  'BroadenScope',
  'NarrowScope',
  'GrantExemption',
  'AmendExemption',
  'RevokeExemption',
  'LiftRestriction',
]);

/** Events that retract or correct others; they can be retracted but not corrected. */
export const AMENDING_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['EntryRetracted', 'EntryCorrected']);

export type LedgerCommand = { [K in CommandType]: { type: K } & PayloadOf[K] }[CommandType];

export type LedgerEvent = { [K in CommandType]: { type: (typeof EVENT_TYPE_OF)[K]; data: PayloadOf[K] } }[CommandType];

export type EventData = PayloadOf[CommandType];

/** Payloads a correction may replace: every event but retractions and corrections. */
export type CorrectablePayload = PayloadOf[Exclude<CommandType, 'RetractEntry' | 'CorrectEntry'>];

export function streamOf(measureId: string): string {
  return `measure-${measureId}`;
}
