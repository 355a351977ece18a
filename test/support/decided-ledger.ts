/**
 * A small ledger written command by command through the decider, as the
 * server would append it: each command is checked against its measure, and a
 * rejected one fails the test that wrote it (a scenario must mean what it says).
 */
import {
  decide,
  evolve as evolveStream,
  initialState as streamOf,
  type MeasureStream,
} from '../../src/domain/decide.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { uncheckedFactOf, type LoggedEvent } from '../../src/domain/recorded-fact.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';

/** An ImposeRestriction with the fields a scenario does not care about filled in. */
export function imposition(
  measureId: string,
  subjects: string[],
  categories: string[],
  effectiveFrom: string,
): LedgerCommand {
  return {
    type: 'ImposeRestriction',
    measureId,
    title: measureId,
    jurisdiction: 'US',
    authority: 'BIS',
    subjects,
    categories,
    effectiveFrom,
  };
}

export class DecidedLedger {
  readonly events: LoggedEvent[] = [];
  readonly model: LedgerReadModel = initialState();
  private readonly streams = new Map<string, MeasureStream>();

  /** Appends one command's event and answers it (its eventId and position among them). */
  append(command: LedgerCommand): LoggedEvent {
    const state = this.streams.get(command.measureId) ?? streamOf(command.measureId);
    const decision = decide(command, state);
    if (decision.rejection) throw new Error(`${command.type} rejected: ${JSON.stringify(decision.rejection)}`);
    const position = BigInt(this.events.length + 1);
    const event: LoggedEvent = {
      streamId: `measure-${command.measureId}`,
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type: decision.events[0]!.type,
      data: decision.events[0]!.data,
      revision: BigInt(state.revision + 1),
      position,
      recordedAt: new Date(Date.UTC(2030, 0, 1) + Number(position) * 60_000).toISOString(),
    };
    this.events.push(event);
    this.streams.set(command.measureId, evolveStream(state, uncheckedFactOf(event)));
    evolve(this.model, event);
    return event;
  }
}
