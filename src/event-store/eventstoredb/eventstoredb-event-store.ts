/**
 * The event store port on EventStoreDB (`@eventstore/db-client`), for
 * deployments that outgrow one machine. The ledger's streams are those named
 * with its prefix (`measure-…`); `$all` also holds the server's own streams,
 * which reads and subscriptions leave out.
 *
 * Positions: an event's commit position in `$all` (equal to its prepare
 * position for the events the ledger writes), a bigint the ledger compares and
 * resumes from. Record time: the server's `created` stamp, so no client clock
 * decides it; the read model treats a stamp older than its predecessor as
 * recorded with it.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NotLeaderError,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { v5 as uuidv5 } from 'uuid';
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
import { exponentialBackoff, retry } from '../../retry.js';
import { at, toStoredEvent } from './eventstoredb-events.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';
import { EventStoreUnreachableError } from './unreachable.js';
import { EVENTSTOREDB_CLIENT } from './client-of.js';
import { outageFailure, serverName, type WriteStage } from './outage.js';

export interface EventStoreDbOptions {
  /** Streams of the ledger; everything else in `$all` is skipped. */
  streamPrefix?: string;
  /** Attempts for a write that meets a leader change or an unavailable node. */
  writeAttempts?: number;
  /** First pause between attempts (doubling, at most 2 s). */
  retryDelayMs?: number;
  pageSize?: number;
}

/** Streams that claim an append's first event id for one ledger stream (outside the ledger's prefix). */
const CLAIM_STREAM_PREFIX = 'regledger-event-id-';
const CLAIM_NAMESPACE = '8a1f5a7e-55b5-4d8e-9c43-4f1f0b7f2c61';

export class EventStoreDbEventStore implements EventStore {
  readonly streamPrefix: string;
  private readonly writeAttempts: number;
  private readonly retryDelayMs: number;
  private readonly pageSize: number;
  private trouble?: string;
  /** `EventStoreDB at host:port`, for the failures that name it. */
  private readonly server: string;

  get [EVENTSTOREDB_CLIENT](): EventStoreDBClient {
    return this.client;
  }

  private constructor(
    readonly client: EventStoreDBClient,
    options: EventStoreDbOptions,
    connectionString: string,
  ) {
    this.server = serverName(connectionString);
    this.streamPrefix = options.streamPrefix ?? 'measure-';
    this.writeAttempts = options.writeAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.pageSize = options.pageSize ?? 512;
  }

  /** Connects and reads the head once, so that an unreachable server stops start-up with a clear message. */
  static async connect(connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> {
    let store: EventStoreDbEventStore;
    try {
      store = new EventStoreDbEventStore(
        EventStoreDBClient.connectionString(connectionString),
        options,
        connectionString,
      );
    } catch (error) {
      throw new EventStoreUnreachableError(connectionString, error);
    }
    try {
      await store.headPosition();
    } catch (error) {
      await store.close();
      throw new EventStoreUnreachableError(connectionString, error);
    }
    return store;
  }

  /**
   * An outage is a StorageFailure saying how far the write got: before its
   * events were sent nothing was recorded; after, only a retry can tell.
   */
  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const progress: { stage: WriteStage } = { stage: 'before-write' };
    try {
      return await this.appendOnce(streamId, events, expectedRevision, progress);
    } catch (error) {
      throw outageFailure(error, this.server, progress.stage);
    }
  }

  private async appendOnce(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
    progress: { stage: WriteStage },
  ): Promise<AppendResult> {
    // The retry lookup and the id claim go out together: one round trip's wait instead of two. A re-sent claim is
    // idempotent, and a claim refused for another stream means no retry of this append can be in this one.
    const [earlier] = await Promise.all([
      this.findRetry(streamId, events, expectedRevision),
      this.claimEventIds(streamId, events),
    ]);
    if (earlier) return earlier;
    const proposed = events.map((e) =>
      jsonEvent({ id: e.eventId, type: e.type, data: e.data as never, metadata: e.metadata }),
    );
    let nextExpectedRevision: bigint;
    progress.stage = 'write-sent';
    try {
      nextExpectedRevision = await this.withWriteRetries(
        async () =>
          (await this.client.appendToStream(streamId, proposed, { expectedRevision: expectedRevision }))
            .nextExpectedRevision,
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // An earlier attempt that timed out may have landed: the same ids in place are this append.
      const landed = await this.findRetry(streamId, events, expectedRevision);
      if (landed) return { ...landed, written: true };
      throw new WrongExpectedRevisionError(streamId, expectedRevision, toActual(error.actualVersion));
    }
    if (events.length === 0) {
      return { nextExpectedRevision, position: await this.headOnce(), events: [], written: false };
    }
    const stored = await this.readStreamOnce(streamId, {
      fromRevision: nextExpectedRevision - BigInt(events.length) + 1n,
      maxCount: events.length,
    });
    return { nextExpectedRevision, position: stored[stored.length - 1]!.position, events: stored, written: true };
  }

  /**
   * EventStoreDB keeps event ids unique per stream only. The ledger derives
   * every id of an append from one commandId, so claiming the first id in a
   * stream of its own (created once, its event id derived from both, so that a
   * re-sent claim is idempotent) refuses a commandId reused on another measure.
   */
  private async claimEventIds(streamId: string, events: EventToAppend[]): Promise<void> {
    const first = events[0];
    if (!first) return;
    const claim = `${CLAIM_STREAM_PREFIX}${first.eventId}`;
    const event = jsonEvent({
      id: uuidv5(`${claim} ${streamId}`, CLAIM_NAMESPACE),
      type: 'EventIdsClaimed',
      data: { streamId, eventIds: events.map((e) => e.eventId) },
    });
    try {
      await this.withWriteRetries(() => this.client.appendToStream(claim, event, { expectedRevision: 'no_stream' }));
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const [claimed] = await this.readStreamOnce(claim, { maxCount: 1 });
      const owner = (claimed?.data as { streamId?: string } | undefined)?.streamId;
      if (owner !== streamId) throw new DuplicateEventIdError(first.eventId, owner ?? 'unknown');
    }
  }

  /** Same event ids at the same expected revision: a re-sent write lands at most once. */
  private withWriteRetries<T>(write: () => Promise<T>): Promise<T> {
    return retry(write, {
      attempts: this.writeAttempts,
      shouldRetry: (error) => error instanceof NotLeaderError || error instanceof UnavailableError,
      delayMs: exponentialBackoff(this.retryDelayMs, 2_000),
    });
  }

  /** The append's event ids already stored where it would put them (EventStoreDB does not say so itself). */
  private async findRetry(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    if (!events.length || (expected !== 'no_stream' && typeof expected !== 'bigint')) return undefined;
    const from = expected === 'no_stream' ? 0n : expected + 1n;
    const found = await this.readStreamOnce(streamId, { fromRevision: from, maxCount: events.length });
    if (found.length !== events.length || found.some((e, i) => e.eventId !== events[i]!.eventId)) return undefined;
    return {
      nextExpectedRevision: found[found.length - 1]!.revision,
      position: found[found.length - 1]!.position,
      events: found,
      written: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    try {
      return await this.readStreamOnce(streamId, options);
    } catch (error) {
      throw outageFailure(error, this.server);
    }
  }

  private async readStreamOnce(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: StoredEvent[] = [];
    try {
      const reading = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of reading) {
        if (resolved.event) events.push(toStoredEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    try {
      return await this.readAllOnce(options);
    } catch (error) {
      throw outageFailure(error, this.server);
    }
  }

  private async readAllOnce(options: ReadAllOptions): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const events: StoredEvent[] = [];
    // Reads of $all start inclusive; the port's bounds are exclusive.
    let from: Position | typeof START | typeof END = backwards
      ? options.before !== undefined
        ? at(options.before)
        : END
      : options.after !== undefined && options.after > 0n
        ? at(options.after)
        : START;
    let seen: bigint | undefined;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      // No more than asked for (plus the inclusive start): feeds read small pages.
      const want = Math.min(this.pageSize, limit - events.length + 1);
      for await (const resolved of this.client.readAll({
        direction: backwards ? BACKWARDS : FORWARDS,
        fromPosition: from,
        maxCount: want,
      })) {
        page.push(resolved);
      }
      for (const resolved of page) {
        const event = resolved.event;
        if (!event?.position) continue;
        const position = event.position.commit;
        // Each page starts at the previous page's last event: read once already.
        if (seen !== undefined && (backwards ? position >= seen : position <= seen)) continue;
        seen = position;
        if (!this.isLedgerStream(event.streamId)) continue;
        if (options.before !== undefined && position >= options.before) {
          if (backwards) continue;
          return events;
        }
        if (options.after !== undefined && position <= options.after) {
          if (backwards) return events;
          continue;
        }
        events.push(toStoredEvent(event));
        if (events.length >= limit) return events;
      }
      const last = page[page.length - 1]?.event?.position;
      if (page.length < want || !last) return events;
      from = last;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const start = options.after !== undefined ? Promise.resolve(options.after) : this.headPosition();
    return new EventStoreDbSubscription(this.client, this.streamPrefix, start, {
      retryDelayMs: this.retryDelayMs,
      onTrouble: (problem, failures) => {
        this.trouble = problem === undefined ? undefined : `subscription failed ${failures} times in a row: ${problem}`;
      },
    });
  }

  subscriptionTrouble(): string | undefined {
    return this.trouble;
  }

  async headPosition(): Promise<bigint> {
    try {
      return await this.headOnce();
    } catch (error) {
      throw outageFailure(error, this.server);
    }
  }

  private async headOnce(): Promise<bigint> {
    const [newest] = await this.readAllOnce({ direction: 'backwards', maxCount: 1 });
    return newest?.position ?? 0n;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private isLedgerStream(streamId: string): boolean {
    return streamId.startsWith(this.streamPrefix);
  }
}

function toActual(version: bigint | string): bigint | 'no_stream' {
  return typeof version === 'bigint' ? version : 'no_stream';
}
