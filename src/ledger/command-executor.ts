/**
 * Loads a measure's stream, decides, and appends with the exact revision it
 * decided on. Every command of every entry point (HTTP, batch, CLI import)
 * runs through here by way of its command handler.
 */
import { randomUUID } from 'node:crypto';
import { decide, type MeasureStream } from '../domain/decide.js';
import { isAmending } from '../domain/facts.js';
import { uncheckedFactOf } from '../domain/recorded-fact.js';
import { COMMAND_TYPE_OF, streamOf, type LedgerCommand } from '../domain/messages.js';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
} from '../event-store/event-store.js';
import {
  isTransactional,
  type TransactionalEventStore,
  type WriteTransaction,
} from '../event-store/write-transaction.js';
import { LedgerError } from '../errors.js';
import { contentHash, storedHash } from '../integrity/event-hash.js';
import { appended, mapStoreError, outcome, refusedAlone, type CommandOutcome } from './command-outcome.js';
import {
  checkRepetition,
  COMMAND_DIGEST,
  commandDigest,
  normaliseCommandId,
  reusedInOtherMeasure,
} from './command-reuse.js';
import { eventIdFor } from './event-ids.js';
import { parseReplacement, type ParsedCommand } from './parse-command.js';
import { StreamCache, type LoadedStream } from './stream-cache.js';
import { WriteWatermark } from '../write-watermark.js';
import { StorageFailure } from '../event-store/storage-failure.js';
import { retry } from '../retry.js';

export type { CommandOutcome } from './command-outcome.js';

export const EVENT_SCHEMA_VERSION = 1;

export interface CommandContext {
  /** The API key's name, or the CLI's user: recorded as `actor`. */
  actor: string;
  correlationId?: string;
}

export interface ChunkLimits {
  maxEvents: number;
  maxMs: number;
}

export interface Chunk {
  /** The outcomes of the commands applied, in order from the chunk's start. */
  outcomes: CommandOutcome[];
  /** True when the chunk stopped before a command it could not apply (rather than at its limits or the end). */
  blocked: boolean;
}

type Prepared = { repeat: CommandOutcome } | { events: EventToAppend[]; expected: ExpectedRevision };

/** Lost races retried before answering 409: enough for dozens of writers on one measure. */
const MAX_ATTEMPTS = 50;

export class CommandExecutor {
  private readonly streams: StreamCache;

  constructor(
    private readonly store: EventStore,
    private readonly watermark: WriteWatermark = new WriteWatermark(),
  ) {
    this.streams = new StreamCache(store, (event) => uncheckedFactOf(event));
  }

  /** True when the store can run a chunk of commands in one write transaction (executeChunk). */
  get pipelines(): boolean {
    return isTransactional(this.store);
  }

  async execute(parsed: ParsedCommand, context: CommandContext): Promise<CommandOutcome> {
    const commandId = normaliseCommandId(parsed.commandId ?? randomUUID());
    try {
      return await retry(() => this.attempt(parsed, commandId, context), {
        attempts: MAX_ATTEMPTS,
        // Without a client-given revision a lost race is ours to retry: decide again on the newer stream.
        shouldRetry: (error) => error instanceof WrongExpectedRevisionError && parsed.expectedRevision === undefined,
        // A random pause spreads the losers out, so that each round has a winner rather than a stampede.
        delayMs: (attempt) => (attempt > 1 ? Math.random() * Math.min(50, 2 ** attempt) : 0),
      });
    } catch (error) {
      if (error instanceof DuplicateEventIdError) throw await this.reusedElsewhere(error, commandId, parsed);
      throw mapStoreError(error, parsed.command.measureId);
    }
  }

  private async attempt(parsed: ParsedCommand, commandId: string, context: CommandContext): Promise<CommandOutcome> {
    if (isTransactional(this.store)) return this.attemptUnderWriteLock(this.store, parsed, commandId, context);
    const streamId = streamOf(parsed.command.measureId);
    // From here to the append's call all is synchronous: a later load may fold newer events into this stream.
    const loaded = await this.streams.load(streamId, parsed.command.measureId);
    const prepared = this.prepare(parsed, commandId, context, loaded);
    if ('repeat' in prepared) return prepared.repeat;
    const result = await this.store.append(streamId, prepared.events, prepared.expected);
    this.watermark.advance(result.position);
    return appended(parsed, commandId, result);
  }

  /**
   * Loads, decides and appends inside the store's write transaction (shared
   * with the other commands of the same turn: one fsync for the group). Under
   * the write lock no other writer can slip in between the read and the
   * append, so no race is lost, and a measure whose head has not moved since
   * the last command is not read at all.
   */
  private async attemptUnderWriteLock(
    store: TransactionalEventStore,
    parsed: ParsedCommand,
    commandId: string,
    context: CommandContext,
  ): Promise<CommandOutcome> {
    const { measureId } = parsed.command;
    const streamId = streamOf(measureId);
    let done: { outcome: CommandOutcome; position?: bigint };
    try {
      // A failed commit forgets what it folded, below.
      done = await store.inWriteTransaction((tx) => this.applyInTransaction(tx, parsed, commandId, context));
    } catch (error) {
      // A command's own refusal means its group committed, and with it all the cache holds. Any other
      // failure may have undone events it folded: the measure is then read whole next time.
      if (!refusedAlone(error)) this.streams.forget([streamId]);
      throw error;
    }
    if (done.position !== undefined) this.watermark.advance(done.position);
    return done.outcome;
  }

  /**
   * One command inside a write transaction: the measure loaded (from the
   * cache when its head has not moved), decided, appended. The fold is
   * recorded last, so that nothing after it in the transaction can undo what
   * it holds; a repeated command appends nothing.
   */
  private applyInTransaction(
    tx: WriteTransaction,
    parsed: ParsedCommand,
    commandId: string,
    context: CommandContext,
  ): { outcome: CommandOutcome; position?: bigint; events: number } {
    const { measureId } = parsed.command;
    const streamId = streamOf(measureId);
    const loaded = this.streams.loadWith(
      streamId,
      measureId,
      (from) => tx.readStream(streamId, from),
      tx.streamRevision(streamId),
    );
    const prepared = this.prepare(parsed, commandId, context, loaded);
    if ('repeat' in prepared) return { outcome: prepared.repeat, events: 0 };
    const result = tx.append(streamId, prepared.events, prepared.expected);
    const outcome = appended(parsed, commandId, result);
    this.streams.record(streamId, result.events);
    return { outcome, position: result.position, events: result.events.length };
  }

  /**
   * Runs commands from `start` on, in order, inside one write transaction of a
   * store that has them: each decided against the state its predecessors left,
   * read and written in the same transaction, and all committed at once.
   * Stops at `limits`, or before the first command it cannot apply here (a
   * rejection, a conflict, an id stored elsewhere), which the caller runs on
   * its own to get today's answer for it. Resolves once the chunk is durable.
   */
  async executeChunk(
    commands: ParsedCommand[],
    start: number,
    context: CommandContext,
    limits: ChunkLimits,
  ): Promise<Chunk> {
    const store = this.store;
    if (!isTransactional(store))
      throw new Error('this store cannot run commands in one write transaction: run them one at a time');
    const touched = new Set<string>();
    let chunk: Chunk;
    try {
      chunk = await store.inWriteTransaction((tx) => {
        const outcomes: CommandOutcome[] = [];
        const started = performance.now();
        let events = 0;
        for (let i = start; i < commands.length; i++) {
          if (events >= limits.maxEvents || performance.now() - started >= limits.maxMs)
            return { outcomes, blocked: false };
          const parsed = commands[i]!;
          const commandId = normaliseCommandId(parsed.commandId ?? randomUUID());
          const streamId = streamOf(parsed.command.measureId);
          try {
            // Touched before anything is folded: a chunk that fails to commit forgets it (a re-read at worst).
            touched.add(streamId);
            const applied = this.applyInTransaction(tx, parsed, commandId, context);
            events += applied.events;
            outcomes.push(applied.outcome);
          } catch (error) {
            // A store that cannot write (a full disk) fails the whole chunk: nothing of it is committed.
            if (error instanceof StorageFailure) throw error;
            // Undone by the append's savepoint, if it got that far; the caller runs this one alone.
            return { outcomes, blocked: true };
          }
        }
        return { outcomes, blocked: false };
      });
    } catch (error) {
      this.streams.forget(touched);
      throw error;
    }
    const last = chunk.outcomes[chunk.outcomes.length - 1];
    if (last) this.watermark.advance(BigInt(last.position));
    return chunk;
  }

  /** Decides a command on its loaded stream: the events to append, or the outcome of an earlier identical command. Synchronous. */
  private prepare(parsed: ParsedCommand, commandId: string, context: CommandContext, loaded: LoadedStream): Prepared {
    const { command } = parsed;
    const streamId = streamOf(command.measureId);
    const earlier = loaded.byCommandId.get(commandId) ?? [];
    if (earlier.length)
      return {
        repeat: {
          ...outcome(commandId, command.measureId, earlier, true),
          ...checkRepetition(parsed, commandId, earlier),
        },
      };

    const state = loaded.state;
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== state.revision) {
      throw new WrongExpectedRevisionError(
        streamId,
        BigInt(parsed.expectedRevision),
        state.revision === -1 ? 'no_stream' : BigInt(state.revision),
      );
    }
    const decision = decide(withParsedReplacement(command, state), state);
    if (decision.rejection) {
      const { rule, message, field, value } = decision.rejection;
      throw new LedgerError('invariant', message, [
        { rule, message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) },
      ]);
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
    return { events, expected: state.revision === -1 ? 'no_stream' : BigInt(state.revision) };
  }

  /** The commandId's events sit in another measure's stream: name what they recorded there. */
  private async reusedElsewhere(
    error: DuplicateEventIdError,
    commandId: string,
    parsed: ParsedCommand,
  ): Promise<LedgerError> {
    const original = (await this.store.readStream(error.streamId)).find((e) => e.eventId === error.eventId);
    return reusedInOtherMeasure(commandId, { type: original?.type, streamId: error.streamId }, parsed);
  }
}

/** A correction's replacement is validated as the payload of the command that recorded its target. */
function withParsedReplacement(command: LedgerCommand, state: MeasureStream): LedgerCommand {
  if (command.type !== 'CorrectEntry') return command;
  const target = state.recorded.find((e) => e.eventId === command.eventId);
  // An unreadable target is refused by the decider (event-readable): there is no payload type to parse against.
  if (!target || target.unreadable !== undefined || isAmending(target)) return command;
  return { ...command, replacement: parseReplacement(COMMAND_TYPE_OF[target.type], command.replacement) as never };
}
