/**
 * Measures of a subject whose imposition is retracted as known at a position: recorded by mistake, they restrict
 * nothing and decide no "not" (a retracted measure never was in force, as known now), but an explanation tells them,
 * so that "why is this not restricted" does not pass over a measure the ledger once recorded. What they said is read
 * from the imposition as recorded, before the retraction took it out.
 */
import { CategorySet } from '../src/domain/categories.js';
import type { ReadableFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';

export interface RetractedMeasure {
  history: MeasureHistory;
  /** The imposition as recorded. */
  imposed: ReadableFact<'RestrictionImposed'>;
  /** The standing retraction that takes it out. */
  retraction: ReadableFact<'EntryRetracted'>;
}

/** The retracted measures whose imposition, as recorded, named the subject; by measure id. */
export function retractedMeasuresOfSubject(
  model: LedgerReadModel,
  subjectId: string,
  asOfPosition: bigint,
): RetractedMeasure[] {
  const found: RetractedMeasure[] = [];
  for (const [measureId, firstNamed] of model.subjects.get(subjectId) ?? []) {
    if (firstNamed > asOfPosition) continue;
    const history = measureAsOf(model, measureId, asOfPosition);
    if (!history || history.exists) continue;
    const retracted = retractionOfImposition(history);
    if (retracted?.imposed.data.subjects.includes(subjectId)) found.push({ history, ...retracted });
  }
  return found.sort((a, b) => (a.history.measureId < b.history.measureId ? -1 : 1));
}

/** Whether the imposition as recorded covers some of the category. */
export function coveredAsRecorded(measure: RetractedMeasure, category: string): boolean {
  return CategorySet.ofRecorded(measure.imposed.data.categories).overlaps(category);
}

function retractionOfImposition(history: MeasureHistory) {
  let imposed: ReadableFact<'RestrictionImposed'> | undefined;
  let retraction: ReadableFact<'EntryRetracted'> | undefined;
  for (const fact of history.recorded) {
    if (fact.unreadable !== undefined) continue;
    if (fact.type === 'RestrictionImposed' && history.retracted.has(fact.eventId)) imposed ??= fact;
    // The retraction standing now: one itself retracted (undone, then made again) is not.
    else if (fact.type === 'EntryRetracted' && imposed && fact.data.eventId === imposed.eventId)
      if (!history.retracted.has(fact.eventId)) retraction = fact;
  }
  return imposed && retraction ? { imposed, retraction } : undefined;
}
