/**
 * The shapes of the answers the app reads: the server's own OpenAPI schemas,
 * through the typed client's generated types (type-only: nothing of the client
 * is bundled), so an answer that changes shape fails the app's type-check.
 */
import type { components } from '../../clients/typescript/src/openapi.js';

type Schemas = components['schemas'];

/** A category set as every answer gives it: the categories, and the subcategories excepted from them. */
export type CategorySetAnswer = Schemas['CategorySetDto'];
export type Source = Schemas['SourceDto'];
export type Provenance = Schemas['ProvenanceDto'];
export type BasisEntry = Schemas['BasisEntryDto'];
export type ExplanationSentence = Schemas['ExplanationStepDto'];
export type CheckAnswer = Schemas['CheckAnswerDto'];
export type StateAnswer = Schemas['SubjectStateDto'];
export type SubjectStateAt = Schemas['SnapshotDto'];
export type Cause = Schemas['CauseDto'];
export type ReplayStep = Schemas['ReplayStepDto'];
export type ReplayAnswer = Schemas['ReplayDto'];
export type MeasureAnswer = Schemas['MeasureViewDto'];
export type Clocks = Pick<StateAnswer, 'asOf' | 'asOfPosition' | 'notice' | 'setAside' | 'subjectKnown'>;

/**
 * A stored event. The schema leaves its payload and metadata open (each
 * command's schema states the payload); the app reads these fields, each optional.
 */
export type LedgerEvent = Omit<Schemas['StoredEventDto'], 'data' | 'metadata'> & {
  metadata: { actor?: string };
  data: {
    citation?: string;
    effectiveFrom?: string;
    effectiveUntil?: string;
    announcedAt?: string;
    sources?: Source[];
  };
};

export interface Listing {
  items: ({ subjectId: string } | { measureId: string; title: string | null })[];
  next: string | null;
}
