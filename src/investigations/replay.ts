/**
 * A subject's replay with the provenance of each step's event and of each
 * cause, for HTTP and the CLI alike.
 */
import type { LedgerReadModel } from '../../projections/ledger-read-model.js';
import {
  replaySubjectSteps,
  type Cause,
  type Replay,
  type ReplayOptions,
  type ReplayStep,
} from '../../projections/replay.js';
import type { EventStore } from '../event-store/event-store.js';
import { finishPaced } from '../pacer.js';
import { provenanceOf, type Provenance } from './provenance.js';

export type ReplayWithProvenance = Replay & {
  steps: (ReplayStep & { provenance: Provenance; causes: (Cause & { provenance: Provenance })[] })[];
};

export async function replayWithProvenance(
  model: LedgerReadModel,
  store: EventStore,
  subjectId: string,
  options: ReplayOptions,
): Promise<ReplayWithProvenance> {
  // Thousands of steps for a long history: worked out in slices, so other requests are not held up.
  const replay = await finishPaced(replaySubjectSteps(model, subjectId, options));
  const measureIds = replay.steps
    .flatMap((s) => [s.measureId, ...s.causes.map((c) => c.measureId)])
    .filter((m): m is string => m !== null);
  const provenance = await provenanceOf(store, measureIds);
  const of = (eventId: string | null) => (eventId === null ? {} : (provenance.get(eventId) ?? {}));
  return {
    ...replay,
    steps: replay.steps.map((step) => ({
      ...step,
      provenance: of(step.eventId),
      causes: step.causes.map((c) => ({ ...c, provenance: of(c.eventId) })),
    })),
  };
}
