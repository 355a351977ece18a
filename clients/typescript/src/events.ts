/** What the change feeds deliver, typed from the command schemas of the OpenAPI document. */
import type { components } from './openapi.js';

type Schemas = components['schemas'];
type Envelope = 'type' | 'commandId' | 'expectedRevision';

/** Each event type, and the command whose payload is its data. */
interface DataOf {
  RestrictionImposed: Omit<Schemas['ImposeRestrictionDto'], Envelope>;
  SubjectsAdded: Omit<Schemas['AddSubjectsDto'], Envelope>;
  SubjectsRemoved: Omit<Schemas['RemoveSubjectsDto'], Envelope>;
  ScopeBroadened: Omit<Schemas['BroadenScopeDto'], Envelope>;
  ScopeNarrowed: Omit<Schemas['NarrowScopeDto'], Envelope>;
  EasingAnnounced: Omit<Schemas['AnnounceEasingDto'], Envelope>;
  AnnouncementWithdrawn: Omit<Schemas['WithdrawAnnouncementDto'], Envelope>;
  ExemptionGranted: Omit<Schemas['GrantExemptionDto'], Envelope>;
  ExemptionAmended: Omit<Schemas['AmendExemptionDto'], Envelope>;
  ExemptionRevoked: Omit<Schemas['RevokeExemptionDto'], Envelope>;
  RestrictionLifted: Omit<Schemas['LiftRestrictionDto'], Envelope>;
  EntryRetracted: Omit<Schemas['RetractEntryDto'], Envelope>;
  EntryCorrected: Omit<Schemas['CorrectEntryDto'], Envelope>;
}

export type EventType = keyof DataOf;

/** A ledger event as a CloudEvent 1.0; narrow on `type` to get its data's type. */
export type LedgerCloudEvent = {
  [T in EventType]: {
    specversion: '1.0';
    id: string;
    source: string;
    type: `org.regledger.${T}`;
    /** The measure id. */
    subject: string;
    /** Record time. */
    time: string;
    datacontenttype: 'application/json';
    data: DataOf[T];
    ledgerposition: string;
    streamrevision: string;
    effectivefrom?: string;
    effectiveuntil?: string;
  };
}[EventType];

export interface CategorySet {
  categories: string[];
  except: string[];
}

/** What is in force now changed for a subject. */
export interface EffectiveTransition {
  /** The id to resume after. */
  id: string;
  subjectId: string;
  at: string;
  asOfPosition: string;
  became: { restricted: CategorySet; unrestricted: CategorySet };
  restricted: CategorySet;
  causes: { eventId: string; type: EventType; position: string; recordedAt: string; citation?: string }[];
}

/** One message of a feed: its id (a ledger position, or a transition id) and what it says. */
export interface FeedMessage<T> {
  id: string;
  data: T;
}
