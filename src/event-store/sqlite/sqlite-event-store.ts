/**
 * The embedded event store on SQLite (better-sqlite3). Durable: an append
 * returns only once its transaction is committed and on disk, and nothing is
 * read from the log before it is on disk; the syncs and checkpoints run off
 * the event loop (wal-durability.ts). Appends made in the same turn of the
 * event loop share one transaction and one sync (group-commit.ts), each with
 * its own checks and outcome.
 * Writers from several processes serialise on SQLite's write lock (BEGIN
 * IMMEDIATE), so positions follow commit order and readers never see a gap.
 * The file is checked before use (open-ledger-file.ts), and every SQLite
 * failure comes out as a StorageFailure naming it (sqlite-failures.ts).
 */
import type { Database as Connection, Statement } from 'better-sqlite3';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';
import { AppendSignal, PollingSubscription } from '../polling-subscription.js';
import type { TransactionalEventStore, WriteTransaction } from '../write-transaction.js';
import { GroupCommit } from './group-commit.js';
import { openLedgerFile } from './open-ledger-file.js';
import { StorageFailure } from '../storage-failure.js';
import { damaged, onStorage, storageFailure } from './sqlite-failures.js';
import { Checkpointer, WalSync, type CheckpointResult } from './wal-durability.js';

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for appends made by other processes. */
  pollIntervalMs?: number;
  busyTimeoutMs?: number;
  /** The clock that stamps record time (milliseconds since the epoch); the wall clock unless a test moves its own. */
  now?: () => number;
  /** Replaces the sync of the WAL file (tests hold it to see what waits for it); by default fdatasync in the thread pool. */
  syncWal?: () => Promise<void>;
  /** The least time between two checkpoints while appends continue (ms). */
  checkpointEveryMs?: number;
}

export class SqliteEventStore implements EventStore, TransactionalEventStore {
  private readonly db: Connection;
  private readonly appended = new AppendSignal();
  private readonly group: GroupCommit;
  /** The record time of the group being written: read once per transaction, under the write lock. */
  private groupRecordedAt?: string;
  /** Made once: better-sqlite3 builds a transaction function at some cost, and nested, it is a savepoint. */
  private readonly appendUnderSavepoint: (
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    onError: (error: unknown) => void,
  ) => AppendResult;
  private wroteInGroup = false;
  private readonly pollIntervalMs: number;
  private readonly now: () => number;
  /** Off the event loop, for a file (a database in memory has nothing to sync): see wal-durability.ts. */
  private readonly wal?: WalSync;
  /** Started at the first checkpoint: a store that never appends much never needs the thread. */
  private checkpointer?: Checkpointer;
  private readonly checkpointEveryMs: number;
  private lastCheckpointAt = 0;
  /** Set once a sync of the WAL failed: see `syncWal`. */
  private walFailure?: StorageFailure;
  /** Positions up to this one are known to be on disk; a read past it syncs first. */
  private durablePosition = 0n;
  private readonly statements: Record<
    | 'streamHead'
    | 'lastRecordedAt'
    | 'byEventId'
    | 'insert'
    | 'head'
    | 'allForwards'
    | 'allBackwards'
    | 'streamForwards'
    | 'streamTail'
    | 'streamBackwards',
    Statement
  >;

  constructor(
    readonly path: string,
    options: SqliteEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.now = options.now ?? (() => Date.now());
    this.db = openLedgerFile(path, options.busyTimeoutMs ?? 10_000);
    this.checkpointEveryMs = options.checkpointEveryMs ?? 1000;
    if (path !== ':memory:') {
      this.wal = new WalSync(`${path}-wal`, options.syncWal);
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('wal_autocheckpoint = 0');
    }
    const select = 'SELECT position, event_id, stream_id, revision, type, data, metadata, recorded_at FROM events';
    this.statements = {
      streamHead: this.db.prepare('SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?'),
      lastRecordedAt: this.db.prepare('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1'),
      byEventId: this.db.prepare(`${select} WHERE event_id = ?`),
      insert: this.db.prepare(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      head: this.db.prepare('SELECT COALESCE(MAX(position), 0) AS position FROM events'),
      allForwards: this.db.prepare(`${select} WHERE position > ? AND position < ? ORDER BY position ASC LIMIT ?`),
      allBackwards: this.db.prepare(`${select} WHERE position > ? AND position < ? ORDER BY position DESC LIMIT ?`),
      streamForwards: this.db.prepare(`${select} WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`),
      // Without a LIMIT: SQLite runs it about three times faster, and a command's read usually finds nothing.
      streamTail: this.db.prepare(`${select} WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC`),
      streamBackwards: this.db.prepare(
        `${select} WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
    };
    this.appendUnderSavepoint = this.db.transaction(
      (streamId: string, events: EventToAppend[], expected: ExpectedRevision, onError: (error: unknown) => void) => {
        try {
          return this.appendInTransaction(streamId, events, expected);
        } catch (error) {
          onError(error);
          throw error;
        }
      },
    );
    this.group = new GroupCommit(
      this.db,
      path,
      () => {
        this.groupRecordedAt = undefined;
        this.wroteInGroup = false;
      },
      () => {
        if (this.wroteInGroup) this.appended.notify();
      },
      this.wal && (() => this.syncCommitted()),
    );
  }

  /** Makes what the last group committed durable, then checkpoints now and then. */
  private async syncCommitted(): Promise<void> {
    // The head as committed now, read before the sync begins: a sync covers it (an item rolled back under its
    // savepoint leaves no position behind it, so a later row at that position is never taken for synced).
    const written = BigInt((onStorage(this.path, () => this.statements.head.get()) as { position: number }).position);
    // Committed but perhaps not on disk: a client sending the command again learns whether it stands.
    await this.syncWal(true);
    if (written > this.durablePosition) this.durablePosition = written;
    if (performance.now() - this.lastCheckpointAt >= this.checkpointEveryMs) {
      this.lastCheckpointAt = performance.now();
      // A checkpoint that fails leaves the WAL longer until the next: nothing read or written depends on it.
      this.checkpoint().catch(() => undefined);
    }
  }

  /**
   * After one failed sync no later one proves anything (the kernel may have
   * dropped the pages it could not write): nothing past what was durable is
   * acknowledged or read again until the server restarts on the file.
   */
  private async syncWal(outcomeUnknown = false): Promise<void> {
    if (this.walFailure) throw this.walFailure;
    try {
      await this.wal!.sync();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      this.walFailure ??= new StorageFailure(
        this.path,
        `syncing ${this.path}-wal to disk failed (${code}): what was written since may be lost; check the disk and restart`,
        { full: code === 'ENOSPC', permanent: true },
      );
      throw outcomeUnknown
        ? new StorageFailure(this.path, this.walFailure.message, { full: code === 'ENOSPC', outcomeUnknown })
        : this.walFailure;
    }
  }

  /** Rows read past what is known to be on disk are returned once it is: nothing read can vanish in a power cut. */
  private async durableThrough(position: bigint): Promise<void> {
    if (!this.wal || position <= this.durablePosition) return;
    await this.syncWal();
    if (position > this.durablePosition) this.durablePosition = position;
  }

  /** Copies the WAL into the database file now, off the event loop (done every `checkpointEveryMs` while appending). */
  checkpoint(): Promise<CheckpointResult | undefined> {
    if (!this.wal || !this.db.open) return Promise.resolve(undefined);
    this.checkpointer ??= new Checkpointer(this.path);
    return this.checkpointer.checkpoint();
  }

  append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.group.run(() => this.appendInTransaction(streamId, events, expectedRevision));
  }

  inWriteTransaction<T>(work: (tx: WriteTransaction) => T): Promise<T> {
    const tx: WriteTransaction = {
      readStream: (streamId, fromRevision) =>
        (this.statements.streamTail.all(streamId, fromRevision) as EventRow[]).map((row) =>
          toStoredEvent(row, this.path),
        ),
      streamRevision: (streamId) => this.streamRevision(streamId),
      append: (streamId, events, expected) => this.appendInChunk(streamId, events, expected),
    };
    return this.group.run(() => work(tx));
  }

  /**
   * One append of a pipelined chunk, under its own savepoint. Once SQLite has
   * ended the transaction (a full disk), undoing the savepoint fails too ("no
   * such savepoint"): the append's own error is the one to report.
   */
  private appendInChunk(streamId: string, events: EventToAppend[], expected: ExpectedRevision): AppendResult {
    let failed: { error: unknown } | undefined;
    try {
      return this.appendUnderSavepoint(streamId, events, expected, (error: unknown) => (failed = { error }));
    } catch (error) {
      throw storageFailure(this.path, failed ? failed.error : error);
    }
  }

  private appendInTransaction(streamId: string, events: EventToAppend[], expected: ExpectedRevision): AppendResult {
    const current = this.streamRevision(streamId);
    const retry = this.findRetry(streamId, events, expected, current);
    if (retry) return retry;
    if (!matches(expected, current)) throw new WrongExpectedRevisionError(streamId, expected, current);
    if (events.length === 0) {
      const position = (this.statements.head.get() as { position: number }).position;
      return {
        nextExpectedRevision: current === 'no_stream' ? -1n : current,
        position: BigInt(position),
        events: [],
        written: false,
      };
    }
    const recordedAt = (this.groupRecordedAt ??= this.nextRecordedAt());
    this.wroteInGroup = true;
    let revision = current === 'no_stream' ? -1n : current;
    const stored: StoredEvent[] = [];
    for (const event of events) {
      revision += 1n;
      const metadata = { ...event.metadata, recordedAt };
      const info = this.statements.insert.run(
        event.eventId,
        streamId,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(metadata),
        recordedAt,
      );
      stored.push({
        streamId,
        eventId: event.eventId,
        type: event.type,
        data: event.data,
        metadata,
        revision,
        position: BigInt(info.lastInsertRowid),
        recordedAt,
      });
    }
    return {
      nextExpectedRevision: revision,
      position: stored[stored.length - 1]!.position,
      events: stored,
      written: true,
    };
  }

  private streamRevision(streamId: string): bigint | 'no_stream' {
    const { revision } = this.statements.streamHead.get(streamId) as { revision: number | null };
    return revision === null ? 'no_stream' : BigInt(revision);
  }

  /** Record time never runs backwards along the log, whatever the wall clocks of the writers say. */
  private nextRecordedAt(): string {
    const last = this.statements.lastRecordedAt.get() as { recorded_at: string } | undefined;
    const now = new Date(this.now()).toISOString();
    return last && last.recorded_at > now ? last.recorded_at : now;
  }

  /** An append whose event ids are all stored already, in order, where this append would have put them. */
  private findRetry(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
    current: bigint | 'no_stream',
  ): AppendResult | undefined {
    if (events.length === 0) return undefined;
    const found = events.map((e) => this.statements.byEventId.get(e.eventId) as EventRow | undefined);
    if (found.every((row) => row === undefined)) return undefined;
    const rows = found.filter((row): row is EventRow => row !== undefined);
    const elsewhere = rows.find((row) => row.stream_id !== streamId);
    if (elsewhere) throw new DuplicateEventIdError(elsewhere.event_id, elsewhere.stream_id);
    const contiguous = rows.length === events.length && rows.every((row, i) => row.revision === rows[0]!.revision + i);
    const before = BigInt(rows[0]!.revision) - 1n;
    const sameExpectation =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && before === -1n) ||
      (typeof expected === 'bigint' && expected === before);
    if (!contiguous || !sameExpectation) throw new WrongExpectedRevisionError(streamId, expected, current);
    const stored = rows.map((row) => toStoredEvent(row, this.path));
    return {
      nextExpectedRevision: stored[stored.length - 1]!.revision,
      position: stored[stored.length - 1]!.position,
      events: stored,
      written: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const limit = options.maxCount ?? -1;
    const rows = onStorage(this.path, () =>
      options.direction === 'backwards'
        ? this.statements.streamBackwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : limit === -1
          ? this.statements.streamTail.all(streamId, options.fromRevision ?? 0)
          : this.statements.streamForwards.all(streamId, options.fromRevision ?? 0, limit),
    ) as EventRow[];
    await this.durableThrough(highestPosition(rows));
    return rows.map((row) => toStoredEvent(row, this.path));
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0n;
    const before = options.before ?? BigInt(Number.MAX_SAFE_INTEGER);
    const limit = options.maxCount ?? -1;
    const statement = options.direction === 'backwards' ? this.statements.allBackwards : this.statements.allForwards;
    const rows = onStorage(this.path, () => statement.all(after, before, limit)) as EventRow[];
    await this.durableThrough(highestPosition(rows));
    return rows.map((row) => toStoredEvent(row, this.path));
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const start = options.after !== undefined ? Promise.resolve(options.after) : this.headPosition();
    return new PollingSubscription((o) => this.readAll(o), start, this.appended, this.pollIntervalMs);
  }

  async headPosition(): Promise<bigint> {
    const head = BigInt((onStorage(this.path, () => this.statements.head.get()) as { position: number }).position);
    await this.durableThrough(head);
    return head;
  }

  /** Runs a PRAGMA on this store's connection: for diagnostics, and for tests that make SQLite fail on purpose. */
  pragma(statement: string): unknown {
    return this.db.pragma(statement);
  }

  async close(): Promise<void> {
    // Appends already asked for are committed and on disk (or fail) before the file closes, never dropped.
    if (this.db.open) await this.group.drain();
    this.appended.notify();
    await this.checkpointer?.close();
    await this.wal?.close();
    if (this.db.open) this.db.close();
  }
}

function highestPosition(rows: EventRow[]): bigint {
  let highest = 0n;
  for (const row of rows) if (BigInt(row.position) > highest) highest = BigInt(row.position);
  return highest;
}

function matches(expected: ExpectedRevision, current: bigint | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 'no_stream';
  if (expected === 'stream_exists') return current !== 'no_stream';
  return current !== 'no_stream' && expected === current;
}

/**
 * A stored event read back. Its metadata is parsed on first use: folds into
 * read models never look at it, and parsing is a large part of a read's cost.
 */
class SqliteStoredEvent implements StoredEvent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
  readonly position: bigint;
  readonly recordedAt: string;
  private rawMetadata: string;
  private parsedMetadata?: Record<string, unknown>;

  constructor(row: EventRow) {
    this.streamId = row.stream_id;
    this.eventId = row.event_id;
    this.type = row.type;
    this.data = JSON.parse(row.data);
    this.revision = BigInt(row.revision);
    this.position = BigInt(row.position);
    this.recordedAt = row.recorded_at;
    this.rawMetadata = row.metadata;
  }

  get metadata(): Record<string, unknown> {
    return (this.parsedMetadata ??= JSON.parse(this.rawMetadata) as Record<string, unknown>);
  }

  toJSON(): StoredEvent {
    const { streamId, eventId, type, data, metadata, revision, position, recordedAt } = this;
    return { streamId, eventId, type, data, metadata, revision, position, recordedAt };
  }
}

/** A row whose data no longer parses was damaged on disk: as permanent as a damaged page. */
function toStoredEvent(row: EventRow, path: string): StoredEvent {
  try {
    return new SqliteStoredEvent(row);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new StorageFailure(path, damaged(path, `the event at position ${row.position} does not parse as JSON`), {
      permanent: true,
    });
  }
}
