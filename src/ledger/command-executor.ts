/**
 * Loads a measure's stream, decides, and appends with the exact revision it
 * decided on. Every command of every entry point (HTTP, batch, CLI import)
 * runs through here by way of its command handler.
 */
import { randomUUID } from 'node:crypto';
import { decide, type MeasureStream } from '../domain/decide.js';
import type { RecordedFact } from '../domain/measure-history.js';
import { AMENDING_EVENTS, COMMAND_TYPE_OF, streamOf, type EventType, type LedgerCommand } from '../domain/messages.js';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type StoredEvent,
} from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import { contentHash, storedHash } from '../integrity/event-hash.js';
import { checkRepetition, COMMAND_DIGEST, commandDigest, normaliseCommandId, reusedInOtherMeasure } from './command-reuse.js';
import { eventIdFor } from './event-ids.js';
import { parseReplacement, type ParsedCommand } from './parse-command.js';
import { StreamCache } from './stream-cache.js';
import { WriteWatermark } from './write-watermark.js';

export const EVENT_SCHEMA_VERSION = 1;

export interface CommandContext {
  /** The API key's name, or the CLI's user: recorded as `actor`. */
  actor: string;
  correlationId?: string;
}

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

/** Lost races retried before answering 409: enough for dozens of writers on one measure. */
const MAX_ATTEMPTS = 50;

export function toRecordedFact(event: StoredEvent): RecordedFact {
  return {
    eventId: event.eventId,
    type: event.type as EventType,
    data: event.data as RecordedFact['data'],
    revision: Number(event.revision),
    position: event.position.toString(),
    recordedAt: event.recordedAt,
  };
}

export class CommandExecutor {
  private readonly streams: StreamCache;

  constructor(
    private readonly store: EventStore,
    private readonly watermark: WriteWatermark = new WriteWatermark(),
  ) {
    this.streams = new StreamCache(store, toRecordedFact);
  }

  async execute(parsed: ParsedCommand, context: CommandContext): Promise<CommandOutcome> {
    const commandId = normaliseCommandId(parsed.commandId ?? randomUUID());
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(parsed, commandId, context);
      } catch (error) {
        if (error instanceof DuplicateEventIdError) throw await this.reusedElsewhere(error, commandId, parsed);
        // Without a client-given revision a lost race is ours to retry: decide again on the newer stream.
        const retryable = error instanceof WrongExpectedRevisionError && parsed.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retryable) throw mapStoreError(error, parsed.command.measureId);
        // A random pause spreads the losers out, so that each round has a winner rather than a stampede.
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  private async attempt(parsed: ParsedCommand, commandId: string, context: CommandContext): Promise<CommandOutcome> {
    const { command } = parsed;
    const streamId = streamOf(command.measureId);
    // From here to the append's call all is synchronous: a later load may fold newer events into this stream.
    const loaded = await this.streams.load(streamId, command.measureId);
    const earlier = loaded.byCommandId.get(commandId) ?? [];
    if (earlier.length) return { ...outcome(commandId, command.measureId, earlier, true), ...checkRepetition(parsed, commandId, earlier) };

    const state = loaded.state;
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== state.revision) {
      throw new WrongExpectedRevisionError(streamId, BigInt(parsed.expectedRevision), state.revision === -1 ? 'no_stream' : BigInt(state.revision));
    }
    const decision = decide(withParsedReplacement(command, state), state);
    if (decision.rejection) {
      const { rule, message, field, value } = decision.rejection;
      throw new LedgerError('invariant', message, [{ rule, message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) }]);
    }
    const metadata = {
      actor: context.actor,
      commandId,
      correlationId: context.correlationId ?? commandId,
      causationId: commandId,
      schemaVersion: EVENT_SCHEMA_VERSION,
      [COMMAND_DIGEST]: commandDigest(parsed),
    };
    // Each event's hash chains to the one before it in the measure's stream (tamper evidence).
    let previousHash = loaded.last ? (storedHash(loaded.last) ?? null) : null;
    const events = decision.events.map((e, i) => {
      const hash = contentHash({ type: e.type, data: e.data, metadata }, previousHash);
      previousHash = hash;
      return { eventId: eventIdFor(commandId, i), type: e.type, data: e.data, metadata: { ...metadata, hash } };
    });
    const result = await this.store.append(streamId, events, state.revision === -1 ? 'no_stream' : BigInt(state.revision));
    this.watermark.advance(result.position);
    // Not written: a concurrent request with this commandId got there first, and must have sent this same command.
    if (!result.written && result.events.length) return { ...outcome(commandId, command.measureId, result.events, true), ...checkRepetition(parsed, commandId, result.events) };
    return outcome(commandId, command.measureId, result.events, !result.written);
  }

  /** The commandId's events sit in another measure's stream: name what they recorded there. */
  private async reusedElsewhere(error: DuplicateEventIdError, commandId: string, parsed: ParsedCommand): Promise<LedgerError> {
    const original = (await this.store.readStream(error.streamId)).find((e) => e.eventId === error.eventId);
    return reusedInOtherMeasure(commandId, { type: original?.type, streamId: error.streamId }, parsed);
  }
}

/** A correction's replacement is validated as the payload of the command that recorded its target. */
function withParsedReplacement(command: LedgerCommand, state: MeasureStream): LedgerCommand {
  if (command.type !== 'CorrectEntry') return command;
  const target = state.recorded.find((e) => e.eventId === command.eventId);
  if (!target || AMENDING_EVENTS.has(target.type)) return command;
  return { ...command, replacement: parseReplacement(COMMAND_TYPE_OF[target.type], command.replacement) as never };
}

function outcome(commandId: string, measureId: string, events: StoredEvent[], repeated: boolean): CommandOutcome {
  return {
    commandId,
    measureId,
    events: events.map((e) => ({ eventId: e.eventId, type: e.type, streamRevision: e.revision.toString() })),
    position: events[events.length - 1]!.position.toString(),
    repeated,
  };
}

function mapStoreError(error: unknown, measureId: string): unknown {
  if (error instanceof WrongExpectedRevisionError) {
    const actual = error.actual === 'no_stream' ? -1 : Number(error.actual);
    return new LedgerError('conflict', `measure ${measureId} is at revision ${actual}, not the expected ${String(error.expected)}`, [
      { field: 'expectedRevision', rule: 'revision-matches', message: `the measure stream is at revision ${actual}`, value: actual },
    ]);
  }
  return error;
}
