/**
 * A capability some stores have beyond the port: running synchronous work
 * inside one write transaction, so that a pipelined batch can read, decide and
 * append command after command against what it has just written, and pay one
 * durable commit for the lot. Stores without it are driven one append at a time.
 */
import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, StoredEvent } from './event-store.js';

export interface WriteTransaction {
  /** The stream from `fromRevision` on, including what this transaction wrote. */
  readStream(streamId: string, fromRevision: bigint): StoredEvent[];
  /** The stream's last revision, including what this transaction wrote: cheaper than reading it. */
  streamRevision(streamId: string): bigint | 'no_stream';
  /** Appends atomically within the transaction: a throw leaves nothing of this append. */
  append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): AppendResult;
}

export interface TransactionalEventStore extends EventStore {
  /**
   * Runs `work` in a write transaction (with other writers' appends of the same
   * turn, each under its own savepoint) and resolves once that has committed
   * durably. A throw from `work` undoes its writes only, and rejects.
   */
  inWriteTransaction<T>(work: (tx: WriteTransaction) => T): Promise<T>;
}

export function isTransactional(store: EventStore): store is TransactionalEventStore {
  return typeof (store as Partial<TransactionalEventStore>).inWriteTransaction === 'function';
}
