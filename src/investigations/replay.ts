/**
 * A subject's replay with each step's provenance, for HTTP and the CLI alike.
 */
import type { LedgerReadModel } from '../../projections/ledger-read-model.js';
import { replaySubject, type Replay, type ReplayOptions, type ReplayStep } from '../../projections/replay.js';
import type { EventStore } from '../event-store/event-store.js';
import { provenanceOf, type Provenance } from './provenance.js';

export type ReplayWithProvenance = Replay & { steps: (ReplayStep & { provenance: Provenance })[] };

export async function replayWithProvenance(model: LedgerReadModel, store: EventStore, subjectId: string, options: ReplayOptions): Promise<ReplayWithProvenance> {
  const replay = replaySubject(model, subjectId, options);
  const provenance = await provenanceOf(store, replay.steps.map((s) => s.measureId));
  return { ...replay, steps: replay.steps.map((step) => ({ ...step, provenance: provenance.get(step.eventId) ?? {} })) };
}
