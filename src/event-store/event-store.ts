/**
 * The event store port: the one way anything reads or writes the log.
 * Adapters (embedded SQLite, EventStoreDB) pass the same contract suite.
 * Positions and revisions cross the port as bigints: comparable and exact.
 */
import type { LoggedEvent } from '../domain/recorded-fact.js';

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventToAppend {
  eventId: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * A logged event with its metadata. Global positions strictly increase in record order; record time
 * (`recordedAt`, ISO 8601 UTC, assigned only by the store) never decreases with position.
 */
export interface StoredEvent extends LoggedEvent {
  /** The appended metadata plus `recordedAt`. */
  metadata: Record<string, unknown>;
}

export interface AppendResult {
  /** The stream's revision after the append (its last event's revision). */
  nextExpectedRevision: bigint;
  /** Position of the last event of this append. */
  position: bigint;
  /** The appended events as stored (on an idempotent retry, as first stored). */
  events: StoredEvent[];
  /** False when every event id was already stored by an earlier identical append. */
  written: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /** Exclusive: events strictly after (forwards) or before (backwards) this position. */
  after?: bigint;
  before?: bigint;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive start position; `0n` replays everything; undefined starts at the head. */
  after?: bigint;
}

/** Catch-up then live events, each once and in position order, until closed. */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** A missing stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** What a subscription keeps failing on while it retries (undefined when all is well), for /health. */
  subscriptionTrouble?(): string | undefined;
  /** Position of the newest event, 0n for an empty log. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, but it is at ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id already stored in another stream or at another place. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly eventId: string,
    readonly streamId: string,
  ) {
    super(`event id ${eventId} is already stored in stream ${streamId}`);
    this.name = 'DuplicateEventIdError';
  }
}
