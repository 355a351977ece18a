/**
 * One measure's commands decided and their events folded into a read model in
 * process, as the server would but without a store: for benchmarks of the
 * domain and the read side alone.
 */
import { evolve, initialState, type LedgerReadModel } from '../projections/ledger-read-model.js';
import { decide, evolve as evolveStream, initialState as streamState } from '../src/domain/decide.js';
import { uncheckedFactOf } from '../src/domain/recorded-fact.js';
import type { LedgerCommand, LedgerEvent } from '../src/domain/messages.js';

export class OneMeasure {
  readonly model: LedgerReadModel = initialState();
  private stream;

  constructor(readonly measureId: string) {
    this.stream = streamState(measureId);
  }

  /** The events the command decides on the measure as it stands; a refusal throws. */
  decide(command: LedgerCommand): LedgerEvent[] {
    const decision = decide(command, this.stream);
    if ('rejection' in decision) throw new Error(`refused: ${JSON.stringify(decision).slice(0, 200)}`);
    return decision.events;
  }

  /** Logs the events (positions and ids in order) and folds them into the model and the measure's stream. */
  fold(events: LedgerEvent[]): void {
    for (const event of events) {
      const position = this.model.position + 1n;
      const logged = {
        streamId: `measure-${this.measureId}`,
        eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
        type: event.type,
        data: event.data,
        revision: BigInt(this.stream.revision + 1),
        position,
        recordedAt: new Date().toISOString(),
      };
      evolve(this.model, logged);
      this.stream = evolveStream(this.stream, uncheckedFactOf(logged));
    }
  }
}
