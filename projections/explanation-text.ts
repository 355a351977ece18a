/**
 * The words explanation sentences share: dates, citations, category sets, what
 * a scope change did, and why a measure does not restrict a category.
 */
import type { StandingFact } from '../src/domain/facts.js';
import type { NotRestrictingAnswer } from './not-restricting.js';
import type { CheckAnswer } from './subject-queries.js';

/** A date as sentences give it: the day alone at midnight UTC, else the whole instant. */
export const day = (iso: string) => (iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso);
export const cite = (citation?: string) => (citation ? ` (${citation})` : '');
/** How a sentence names a category set: in full by default; a report names a large set once and refers to it. */
export type SetNamer = (categories: readonly string[], except?: readonly string[]) => string;

/** Why a measure does not restrict the category, tied to the dates and citations of the events deciding it. */
export function whyNot(
  measure: NotRestrictingAnswer,
  { subjectId, category }: CheckAnswer,
  factOf: (eventId: string) => StandingFact | undefined,
  list: SetNamer,
): string {
  const on = day(measure.on);
  // The events of the reason: the basis less the imposition and the corrections their payloads come from.
  const deciding = measure.basis.filter((b) => b.type !== 'RestrictionImposed' && b.type !== 'EntryCorrected');
  const cited = cite([...new Set(deciding.flatMap((b) => b.citation ?? []))].join('; ') || undefined);
  const changed = () => deciding.map((b) => scopeChangeText(factOf(b.eventId), list)).join(' and');
  switch (measure.reason) {
    case 'begins':
      return `it begins on ${on}`;
    case 'lifted':
      return `it was lifted on ${on}${cited}`;
    case 'ended':
      return `it ended on ${on}`;
    case 'subject-removed':
      return `${subjectId} was removed from it on ${on}${cited}`;
    case 'subject-added-later':
      return `it names ${subjectId} only from ${on}${cited}`;
    case 'scope-narrowed':
      return `its scope was narrowed on ${on}${cited}${changed()}`;
    case 'scope-broadened-later': {
      // It may first name the subject after the broadening that brought the category in: then both dates are given.
      const broadenedOn = [...new Set(deciding.map((b) => factOf(b.eventId)?.fromMs))].filter((ms) => ms !== undefined);
      if (broadenedOn.every((ms) => new Date(ms).toISOString() === measure.on))
        return `its scope reaches ${category} only from ${on}, broadened then${cited}${changed()}`;
      const dates = broadenedOn.map((ms) => day(new Date(ms).toISOString())).join(', ');
      return `its scope reaches ${category} for ${subjectId} only from ${on}, broadened on ${dates}${cited}${changed()}`;
    }
  }
}

/** What a broadening or narrowing did, as words after its verb. */
export function scopeChangeText(fact: StandingFact | undefined, list: SetNamer): string {
  if (fact?.type === 'ScopeBroadened') return ` to add ${list(fact.data.categories)}`;
  if (fact?.type !== 'ScopeNarrowed') return '';
  const { narrowTo, remove } = fact.data;
  const parts = [
    ...(narrowTo?.length ? [`to ${list(narrowTo)} only`] : []),
    ...(remove?.length ? [`to leave out ${list(remove)}`] : []),
  ];
  return parts.length ? ` ${parts.join(' and ')}` : '';
}
