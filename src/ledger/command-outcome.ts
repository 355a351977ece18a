/**
 * What a command's run answers: its outcome from what the store appended or
 * already held, and the store's errors as the ledger states them.
 */
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type StoredEvent,
} from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import { checkRepetition } from './command-reuse.js';
import type { ParsedCommand } from './parse-command.js';

export interface CommandOutcome {
  commandId: string;
  measureId: string;
  events: { eventId: string; type: string; streamRevision: string }[];
  position: string;
  /** True when the commandId had been applied before: nothing new was appended. */
  repeated: boolean;
  /** Set on a repetition that could be compared only in part (see command-reuse.ts). */
  notice?: string;
}

/** The outcome of an append. Not written: a concurrent request with this commandId got there first, and must have sent this same command. */
export function appended(parsed: ParsedCommand, commandId: string, result: AppendResult): CommandOutcome {
  const { measureId } = parsed.command;
  if (!result.written && result.events.length)
    return {
      ...outcome(commandId, measureId, result.events, true),
      ...checkRepetition(parsed, commandId, result.events),
    };
  return outcome(commandId, measureId, result.events, !result.written);
}

export function outcome(
  commandId: string,
  measureId: string,
  events: StoredEvent[],
  repeated: boolean,
): CommandOutcome {
  return {
    commandId,
    measureId,
    events: events.map((e) => ({ eventId: e.eventId, type: e.type, streamRevision: e.revision.toString() })),
    position: events[events.length - 1]!.position.toString(),
    repeated,
  };
}

/** An error a command meets on its own (a rejection, a conflict, an id stored elsewhere): nothing of its group failed. */
export function refusedAlone(error: unknown): boolean {
  return (
    error instanceof LedgerError ||
    error instanceof WrongExpectedRevisionError ||
    error instanceof DuplicateEventIdError
  );
}

export function mapStoreError(error: unknown, measureId: string): unknown {
  if (error instanceof WrongExpectedRevisionError) {
    const actual = error.actual === 'no_stream' ? -1 : Number(error.actual);
    return new LedgerError(
      'conflict',
      `measure ${measureId} is at revision ${actual}, not the expected ${String(error.expected)}`,
      [
        {
          field: 'expectedRevision',
          rule: 'revision-matches',
          message: `the measure stream is at revision ${actual}`,
          value: actual,
        },
      ],
    );
  }
  return error;
}
