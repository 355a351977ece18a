/**
 * EventStoreDB not answering (down, unreachable, too slow, a leader change
 * that did not settle), as a StorageFailure the HTTP layer answers 503 with
 * Retry-After. Recognised by the client's error `type` and the gRPC status
 * code, not by its classes: light to import, so the HTTP error mapping can
 * name an outage met by code that uses the client directly (leases,
 * subscriber state) without loading the client library.
 */
import { StorageFailure } from '../storage-failure.js';

/** The client's error types, and gRPC status codes (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 10 ABORTED), of an outage. */
const OUTAGE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
const OUTAGE_GRPC_CODES = new Set([14, 4, 10]);
const OUTAGE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export function isOutage(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof StorageFailure) return false;
  const { type, code } = error as { type?: unknown; code?: unknown };
  if (typeof type === 'string' && OUTAGE_TYPES.has(type)) return true;
  if (typeof code === 'number' && OUTAGE_GRPC_CODES.has(code)) return true;
  return typeof code === 'string' && OUTAGE_SOCKET_CODES.has(code);
}

/** What a write met, for what its answer can say about the outcome. */
export type WriteStage = 'read' | 'before-write' | 'write-sent';

/**
 * The StorageFailure an outage stands for, or the error as it came. `stage`
 * says how far a write had gone: once its events were sent, the server may
 * have stored them, and only a retry with the same commandId can tell
 * (it is recorded at most once).
 */
export function outageFailure(error: unknown, where: string, stage: WriteStage = 'read'): unknown {
  if (!isOutage(error)) return error;
  const said = (error as Error).message;
  const message =
    stage === 'write-sent'
      ? `${where} stopped answering while the write was in flight (${said}): whether it was recorded is unknown; send the same command again, with the same commandId, once the store is back (it is recorded at most once)`
      : stage === 'before-write'
        ? `${where} does not answer (${said}): nothing was recorded; try again shortly`
        : `${where} does not answer (${said}); try again shortly`;
  return new StorageFailure(where, message, { outcomeUnknown: stage === 'write-sent' });
}

/** The server a connection string names, without credentials (`EventStoreDB at host:port`). */
export function serverName(connectionString: string): string {
  const match = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(connectionString);
  return `EventStoreDB at ${match?.[1] ?? 'the configured address'}`;
}
