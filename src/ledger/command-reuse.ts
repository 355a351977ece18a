/**
 * Idempotency that cannot silently drop a command: each stored event carries
 * a digest of the command that recorded it (RFC 8785 canonical JSON of the
 * normalised command without its commandId), so the same commandId sent with
 * a different command is refused (422 `command-id-reused`) instead of being
 * answered with the first command's result.
 */
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { EVENT_TYPE_OF } from '../domain/messages.js';
import type { StoredEvent } from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import type { ParsedCommand } from './parse-command.js';

/** Metadata key of the digest; events recorded before it existed lack it. */
export const COMMAND_DIGEST = 'commandDigest';

/** Compared case-insensitively (DOMAIN.md): stored and looked up in lower case. */
export function normaliseCommandId(commandId: string): string {
  return commandId.toLowerCase();
}

export function commandDigest(parsed: ParsedCommand): string {
  const { command, expectedRevision } = parsed;
  const canonical = canonicalize({ ...command, ...(expectedRevision !== undefined ? { expectedRevision } : {}) })!;
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

export interface Repetition {
  /** Set when the first use was stored without a digest, so only its type and measure could be compared. */
  notice?: string;
}

/**
 * Whether `parsed` repeats the command that stored `earlier` (the events of
 * its commandId, in its measure's stream); throws `command-id-reused` if not.
 */
export function checkRepetition(parsed: ParsedCommand, commandId: string, earlier: StoredEvent[]): Repetition {
  const first = earlier[0]!;
  const storedDigest = first.metadata[COMMAND_DIGEST];
  const eventType = EVENT_TYPE_OF[parsed.command.type];
  if (typeof storedDigest === 'string') {
    if (storedDigest === commandDigest(parsed)) return {};
    throw reused(
      commandId,
      { type: first.type, streamId: first.streamId },
      parsed,
      first.type === eventType ? 'its content differs' : undefined,
    );
  }
  if (first.type !== eventType) throw reused(commandId, { type: first.type, streamId: first.streamId }, parsed);
  return {
    notice: `commandId ${commandId} was first used before commands were fingerprinted: only its type (${first.type}) and measure (${parsed.command.measureId}) could be compared, and they match`,
  };
}

/** The commandId's events are in another measure's stream: necessarily a different command. */
export function reusedInOtherMeasure(
  commandId: string,
  original: { type?: string; streamId: string },
  parsed: ParsedCommand,
): LedgerError {
  return reused(commandId, original, parsed);
}

function reused(
  commandId: string,
  original: { type?: string; streamId: string },
  parsed: ParsedCommand,
  how?: string,
): LedgerError {
  const originalMeasure = original.streamId.replace(/^measure-/, '');
  const was = `${original.type ?? 'an event'} on measure ${originalMeasure}`;
  const now = `${EVENT_TYPE_OF[parsed.command.type]} on measure ${parsed.command.measureId}`;
  const message = `commandId ${commandId} was already used for ${was}; this command (${parsed.command.type}, which records ${now}) is a different one${how ? `: ${how}` : ''}. Nothing was written: send a new commandId for a new command`;
  return new LedgerError('invariant', message, [
    { field: 'commandId', rule: 'command-id-reused', message, value: commandId },
  ]);
}
