/** Ledger events as the change feed sends them: CloudEvents 1.0. */
import { measureIdOf } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../domain/recorded-fact.js';

export interface LedgerCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
  /** Extension attributes (lowercase alphanumerics, per the CloudEvents spec). */
  ledgerposition: string;
  streamrevision: string;
  effectivefrom?: string;
  effectiveuntil?: string;
}

export const CLOUD_EVENT_SOURCE = '/regledger';
export const CLOUD_EVENT_TYPE_PREFIX = 'org.regledger.';

export function toCloudEvent(event: LoggedEvent): LedgerCloudEvent {
  // The log's data, checked or not: a CloudEvent carries what was stored, and its instants only when they are text.
  const data = event.data as { effectiveFrom?: unknown; effectiveUntil?: unknown };
  return {
    specversion: '1.0',
    id: event.eventId,
    source: CLOUD_EVENT_SOURCE,
    type: `${CLOUD_EVENT_TYPE_PREFIX}${event.type}`,
    subject: measureIdOf(event),
    time: event.recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
    ledgerposition: event.position.toString(),
    streamrevision: event.revision.toString(),
    ...(typeof data.effectiveFrom === 'string' && data.effectiveFrom ? { effectivefrom: data.effectiveFrom } : {}),
    ...(typeof data.effectiveUntil === 'string' && data.effectiveUntil ? { effectiveuntil: data.effectiveUntil } : {}),
  };
}

const cloudEvents = new WeakMap<LoggedEvent, LedgerCloudEvent>();

/** `toCloudEvent`, made once per event read: feed clients reading the same events share them (and their text). */
export function sharedCloudEvent(event: LoggedEvent): LedgerCloudEvent {
  let cloudEvent = cloudEvents.get(event);
  if (!cloudEvent) {
    cloudEvent = toCloudEvent(event);
    cloudEvents.set(event, cloudEvent);
  }
  return cloudEvent;
}
