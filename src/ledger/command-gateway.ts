/**
 * The entry to the command side for every front end: validates bodies, puts
 * them on the CommandBus, and runs batches in order, stopping at the first
 * rejection. A batch is validated whole before anything is applied, so bad
 * input anywhere in it writes nothing. Where the store allows, a batch is
 * pipelined: decided command after command in one transaction per chunk, so a
 * chunk pays one fsync; a command the chunk cannot apply runs alone, as before,
 * so rejections, conflicts and retries answer exactly as they always have.
 */
import { CommandBus } from '@nestjs/cqrs';
import canonicalize from 'canonicalize';
import { duplicateKeyProblem } from '../http/duplicate-keys.js';
import { canonicalEventId } from '../http/event-id-param.js';
import { LedgerError, MAX_DETAILS, prefixDetails, type ErrorDetail } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import { replacementProblems, type BatchEntry } from './batch-replacements.js';
import { busCommand } from './bus.js';
import type { ChunkLimits, CommandContext, CommandExecutor, CommandOutcome } from './command-executor.js';
import { commandDigest, normaliseCommandId } from './command-reuse.js';
import { derivedCommandId } from './event-ids.js';
import { parseCommand, summarise, type ParsedCommand } from './parse-command.js';

export type { BatchEntry } from './batch-replacements.js';

export interface BatchOutcome {
  results: (CommandOutcome & { origin: string })[];
  /** The first rejection; the commands after it were not applied. */
  failure?: { index: number; origin: string; error: LedgerError };
}

export interface BatchOptions {
  /** Gives commands without a commandId one derived from this prefix, their origin and content, so a rerun appends nothing. */
  deriveCommandIdsFrom?: string;
  /** A client's Idempotency-Key: commands without a commandId get one derived from it and their index, so a retried batch appends nothing. */
  idempotencyKey?: string;
  onApplied?(done: number, total: number): void;
}

/**
 * One commit (one fsync) per this many events or milliseconds of deciding, whichever comes first; between chunks
 * the event loop takes its turn, so a chunk, its commit included, is the longest other requests wait.
 */
const CHUNK_LIMITS: ChunkLimits = { maxEvents: 250, maxMs: 25 };

/** Validation gives the event loop a turn after this many commands or milliseconds of checking, whichever comes first. */
const VALIDATION_SLICE = { commands: 100, ms: 20 };

/** Lets timers and other requests run: awaiting a settled promise alone would not. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    /** Where a correction's target is looked up, to check its replacement before anything of the batch is applied. */
    private readonly store: EventStore,
    /** Given, and its store able, batches run in chunks of one transaction each; otherwise one command at a time on the bus. */
    private readonly executor?: CommandExecutor,
  ) {}

  /** One command; with an Idempotency-Key and no commandId, it gets the commandId the first command of a batch would. */
  execute(
    body: unknown,
    context: CommandContext,
    options: Pick<BatchOptions, 'idempotencyKey'> = {},
  ): Promise<CommandOutcome> {
    const parsed = parseAtTheEdge(body);
    if (options.idempotencyKey !== undefined) giveCommandIds([parsed], [{ origin: '', body }], options);
    return this.run(parsed, context);
  }

  async executeBatch(
    entries: BatchEntry[],
    context: CommandContext,
    options: BatchOptions = {},
  ): Promise<BatchOutcome> {
    const parsed = await validateAll(entries);
    const replacements = await replacementProblems(this.store, parsed, entries);
    if (replacements.length) throw new LedgerError('bad-input', summarise(replacements), replacements);
    giveCommandIds(parsed, entries, options);
    refuseSharedCommandIds(parsed, entries);
    const results: BatchOutcome['results'] = [];
    let index = 0;
    while (index < parsed.length) {
      if (this.executor?.pipelines) {
        let chunk: Awaited<ReturnType<CommandExecutor['executeChunk']>>;
        try {
          chunk = await this.executor.executeChunk(parsed, index, context, CHUNK_LIMITS);
        } catch (error) {
          // Nothing of a failed chunk was committed (a full disk): the batch stops at its first command.
          if (!(error instanceof LedgerError)) throw error;
          return { results, failure: { index, origin: entries[index]!.origin, error } };
        }
        for (const outcome of chunk.outcomes) {
          results.push({ ...outcome, origin: entries[index]!.origin });
          index++;
          options.onApplied?.(index, entries.length);
        }
        await nextTurn();
        // A chunk that stopped at its limits goes on with the next; one that stopped before a command runs that one alone.
        if (!chunk.blocked || index >= parsed.length) continue;
      }
      const origin = entries[index]!.origin;
      try {
        results.push({ ...(await this.run(parsed[index]!, context)), origin });
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        return { results, failure: { index, origin, error } };
      }
      index++;
      options.onApplied?.(index, entries.length);
    }
    return { results };
  }

  private run(parsed: ParsedCommand, context: CommandContext): Promise<CommandOutcome> {
    return this.commandBus.execute(busCommand(parsed, context));
  }
}

/**
 * A command as the ledger reads it: the event id a retraction or correction names, in the stored (lower) case, so
 * the event it records names the event as stored, and the command's digest is the same whichever case was sent.
 */
function parseAtTheEdge(body: unknown): ParsedCommand {
  const parsed = parseCommand(body);
  const { eventId } = parsed.command as { eventId?: unknown };
  if (typeof eventId !== 'string') return parsed;
  return { ...parsed, command: { ...parsed.command, eventId: canonicalEventId(eventId) } as typeof parsed.command };
}

/**
 * Every command of a batch gets a commandId that a retry of the batch gives it
 * again: a random one would let a retried batch append twice. Without a way
 * to derive one, the batch is refused before anything is applied.
 */
function giveCommandIds(parsed: ParsedCommand[], entries: BatchEntry[], options: BatchOptions): void {
  const without = parsed.flatMap((command, index) => (command.commandId === undefined ? [index] : []));
  if (!without.length) return;
  if (options.deriveCommandIdsFrom === undefined && options.idempotencyKey === undefined) {
    const origins = without.map((index) => entries[index]!.origin);
    const message = `commands without a commandId (${origins.slice(0, 5).join(', ')}${origins.length > 5 ? ', …' : ''}) need an Idempotency-Key header on the batch, so that a retry appends nothing; or give each a commandId`;
    throw new LedgerError('bad-input', message, [{ field: 'Idempotency-Key', rule: 'isDefined', message }]);
  }
  for (const index of without) {
    parsed[index]!.commandId =
      options.deriveCommandIdsFrom !== undefined
        ? commandIdFromSource(options.deriveCommandIdsFrom, entries[index]!)
        : derivedCommandId(`idempotency-key ${options.idempotencyKey}`, String(index));
  }
}

/**
 * Two different commands of one batch with one commandId: the second would be refused as `command-id-reused` after
 * the first was written. Refused before anything is, as a whole (the same command twice is a repeat, and passes).
 */
function refuseSharedCommandIds(parsed: ParsedCommand[], entries: BatchEntry[]): void {
  const first = new Map<string, { digest: string; index: number }>();
  for (const [index, command] of parsed.entries()) {
    const id = normaliseCommandId(command.commandId!);
    const digest = commandDigest(command);
    const earlier = first.get(id);
    if (!earlier) first.set(id, { digest, index });
    else if (earlier.digest !== digest) {
      const [a, b] = [entries[earlier.index]!.origin, entries[index]!.origin];
      const message = `commands ${a} and ${b} are different commands with one commandId ${command.commandId}; nothing was written: give each command its own commandId`;
      throw new LedgerError(
        'invariant',
        message,
        [{ field: `${b}.commandId`, rule: 'command-id-reused', message, value: command.commandId }],
        { failedIndex: index, results: [] },
      );
    }
  }
}

/** The commandId of a command that came without one, from its source, its place there and its canonical JSON. */
export function commandIdFromSource(source: string, entry: BatchEntry): string {
  return derivedCommandId(`${source} ${entry.origin}`, canonicalize(entry.body)!);
}

async function validateAll(entries: BatchEntry[]): Promise<ParsedCommand[]> {
  const details: ErrorDetail[] = [];
  const parsed: ParsedCommand[] = [];
  let slice = { start: 0, started: performance.now() };
  for (const [index, entry] of entries.entries()) {
    if (index - slice.start >= VALIDATION_SLICE.commands || performance.now() - slice.started >= VALIDATION_SLICE.ms) {
      await nextTurn();
      slice = { start: index, started: performance.now() };
    }
    // Enough problems to act on: checking thousands more would only make the answer huge and slow.
    if (details.length >= MAX_DETAILS) {
      details.push({
        rule: 'maxDetails',
        message: `checking stopped at ${entry.origin} after ${details.length} problems; ${entries.length - index} commands from there on were not checked`,
        value: entries.length - index,
      });
      break;
    }
    try {
      parsed.push(parseAtTheEdge(entry.body));
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      details.push(...prefixDetails(error.details, entry.origin));
    }
  }
  if (details.length) throw new LedgerError('bad-input', summarise(details), details);
  return parsed;
}

/** Reads a JSON array or NDJSON text into batch entries, naming the line of any unreadable one. */
export function readCommandText(text: string): BatchEntry[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let array: unknown;
    try {
      array = JSON.parse(text);
    } catch (error) {
      throw new LedgerError('bad-input', `not valid JSON: ${(error as Error).message}`, [
        { rule: 'isJson', message: (error as Error).message },
      ]);
    }
    if (!Array.isArray(array))
      throw new LedgerError('bad-input', 'expected a JSON array of commands', [
        { rule: 'isArray', message: 'expected a JSON array of commands' },
      ]);
    const lines = elementLines(text);
    const originOf = (index: number) => (lines[index] ? `line ${lines[index]}` : `[${index}]`);
    // As for NDJSON and HTTP bodies: JSON.parse would keep the last of two equal keys and drop the first unseen.
    const duplicate = duplicateKeyProblem(text);
    if (duplicate) {
      const field = duplicate.field!.replace(/^\[(\d+)\]/, (_, index: string) => originOf(Number(index)));
      const message = `${field} is given twice in one object: give each key once`;
      throw new LedgerError('bad-input', message, [{ ...duplicate, field, message }]);
    }
    return (array as unknown[]).map((body, index) => ({ origin: originOf(index), body }));
  }
  return readNdjson(text);
}

/**
 * Reads NDJSON: one command, a JSON object, per line (a line holding an array of commands is refused).
 * Stops reading at MAX_DETAILS unreadable lines: the rest would only make the answer huge and slow.
 */
export function readNdjson(text: string): BatchEntry[] {
  const entries: BatchEntry[] = [];
  const details: ErrorDetail[] = [];
  let start = 0;
  for (let index = 0; start <= text.length; index++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (details.length >= MAX_DETAILS) {
      details.push({
        rule: 'maxDetails',
        message: `reading stopped at line ${index + 1} after ${details.length} problems; the lines from there on were not read`,
      });
      break;
    }
    readNdjsonLine(line, index, entries, details);
  }
  if (details.length) throw new LedgerError('bad-input', details[0]!.message, details);
  return entries;
}

function readNdjsonLine(line: string, index: number, entries: BatchEntry[], details: ErrorDetail[]): void {
  if (line.trim() === '') return;
  try {
    const body: unknown = JSON.parse(line);
    if (Array.isArray(body)) {
      details.push({
        field: `line ${index + 1}`,
        rule: 'isObject',
        message: `line ${index + 1} holds a JSON array: NDJSON holds one command, a JSON object, per line`,
      });
      return;
    }
    const duplicate = duplicateKeyProblem(line, `line ${index + 1}`);
    if (duplicate) {
      details.push(duplicate);
      return;
    }
    entries.push({ origin: `line ${index + 1}`, body });
  } catch (error) {
    details.push({
      field: `line ${index + 1}`,
      rule: 'isJson',
      message: `line ${index + 1} is not valid JSON: ${(error as Error).message}`,
    });
  }
}

/** The line on which each element of a top-level JSON array starts. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (depth === 1 && expectValue && c !== ']') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return lines;
}
