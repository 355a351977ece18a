/**
 * Ledger events as CloudEvents 1.0, and the server-side filters of the
 * change feed. Pure: the read model is passed in.
 */
import type { LedgerReadModel } from './ledger-read-model.js';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';
import { measureNamedSubjectBy } from './ledger-read-model.js';

export interface ChangeFilter {
  subjects?: string[];
  measures?: string[];
  types?: string[];
}

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

export function measureIdOf(event: Pick<LoggedEvent, 'streamId'>): string {
  return event.streamId.slice('measure-'.length);
}

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

/**
 * Whether an event passes the filter. A subject filter matches the events of
 * measures that had named the subject by the event's position, so a replay
 * and a live feed deliver the same events. The model must have folded the event.
 */
export function matchesFilter(model: LedgerReadModel | undefined, event: LoggedEvent, filter: ChangeFilter): boolean {
  if (!event.streamId.startsWith('measure-')) return false;
  const measureId = measureIdOf(event);
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.measures?.length && !filter.measures.includes(measureId)) return false;
  if (filter.subjects?.length) {
    if (!model) throw new Error('a subject filter needs the read model');
    if (!filter.subjects.some((s) => measureNamedSubjectBy(model, s, measureId, event.position))) return false;
  }
  return true;
}
