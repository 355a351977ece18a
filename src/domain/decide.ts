/**
 * The decider: `initialState`, `evolve` and `decide` for one measure stream.
 * `decide` checks every invariant of DOMAIN.md against the measure as known
 * now and answers the event to append, or a rejection that names the rule
 * and the offending value.
 */
import type { LedgerCommand, LedgerEvent } from './messages.js';
import { EVENT_TYPE_OF } from './messages.js';
import type { RecordedFact, UncheckedFact } from './facts.js';
import { MeasureHistory } from './measure-history.js';
import { extendMeasure, resolveMeasure } from './resolve-measure.js';
import { readFact } from './recorded-fact.js';
import { amendmentConflict, correctionConflict } from './dependents.js';
import { check, reject, type Rejection } from './command-checks.js';

export type { Rejection } from './command-checks.js';

export type Decision = { events: LedgerEvent[]; rejection?: undefined } | { rejection: Rejection; events?: undefined };

export interface MeasureStream {
  measureId: string;
  /** The stream's last revision; -1 while it does not exist. */
  revision: number;
  recorded: RecordedFact[];
}

export function initialState(measureId: string): MeasureStream {
  return { measureId, revision: -1, recorded: [] };
}

/** Folds a stored event in; one that cannot be read is kept (so it can be retracted) but marked, and never stands. */
export function evolve(state: MeasureStream, event: UncheckedFact): MeasureStream {
  return {
    measureId: state.measureId,
    revision: event.revision,
    recorded: [...state.recorded, readFact(event, state.recorded)],
  };
}

export function decide(command: LedgerCommand, state: MeasureStream): Decision {
  const history = historyOf(state);
  const rejection = check(command.type, command, history) ?? restingConflict(command, history);
  if (rejection) return { rejection };
  const { type, ...data } = command;
  // A command's event carries its payload: TypeScript cannot pair the rest of a union member with its mapped type.
  return { events: [{ type: EVENT_TYPE_OF[type], data } as LedgerEvent] };
}

/**
 * The measure as known, per recorded list: a stream kept between commands
 * grows by a push, so its history is extended by the new facts instead of
 * resolved from the start (see `extendMeasure`). Keyed by the list itself; a
 * list only ever grows, so the length resolved tells what is new.
 */
const resolved = new WeakMap<RecordedFact[], { length: number; history: MeasureHistory }>();

/** The measure as known from the stream's recorded events (what `decide` checks a command against). */
export function historyOf(state: MeasureStream): MeasureHistory {
  const before = resolved.get(state.recorded);
  const history =
    before?.length === state.recorded.length
      ? before.history
      : ((before && extendMeasure(before.history, state.recorded, before.length)) ??
        resolveMeasure(state.measureId, state.recorded));
  resolved.set(state.recorded, { length: state.recorded.length, history });
  return history;
}

/**
 * What rests on the fact a command brings to stand, once its own checks pass
 * (dependents.ts): an amendment against what it leaves of its exemption, a
 * correction against the facts resting on the one it corrects. Apart from
 * `check`, which checks a correction's replacement as its own command.
 */
function restingConflict(command: LedgerCommand, history: MeasureHistory): Rejection | undefined {
  if (command.type === 'AmendExemption') {
    const { type: _type, ...payload } = command;
    const conflict = amendmentConflict(history, payload);
    return conflict && reject(conflict.rule, conflict.message, conflict.field, conflict.value);
  }
  if (command.type === 'CorrectEntry') {
    const conflict = correctionConflict(history, command);
    return (
      conflict &&
      reject(
        conflict.rule,
        `with event ${command.eventId} corrected so, ${conflict.message}`,
        `replacement.${conflict.field}`,
        conflict.value,
      )
    );
  }
  return undefined;
}
