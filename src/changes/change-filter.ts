/** The ledger feed's server-side filters: by subject, measure and event type. */
import { measureIdOf, measureNamedSubjectBy, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../domain/recorded-fact.js';

export interface ChangeFilter {
  subjects?: string[];
  measures?: string[];
  types?: string[];
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
