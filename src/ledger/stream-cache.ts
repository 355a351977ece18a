/**
 * What a command needs of its measure's stream (the decider's state, the last
 * event for the hash chain, the events of each commandId), kept between
 * commands and brought up to date by reading only the events after the last
 * one folded. Reading and folding the whole stream for every command made a
 * command's cost grow with its measure, on the event loop.
 *
 * The store stays the source of truth: every load reads what is newer, so
 * appends by another process or a lost race are seen as before. Callers use
 * a loaded stream synchronously (decide, then append); a later load may fold
 * newer events into the same object.
 */
import { initialState, type MeasureStream } from '../domain/decide.js';
import type { UncheckedFact } from '../domain/facts.js';
import { readFact } from '../domain/recorded-fact.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { COMMAND_DIGEST, normaliseCommandId } from './command-reuse.js';

export interface LoadedStream {
  state: MeasureStream;
  /** The stream's last event, if any. */
  last?: StoredEvent;
  /** Normalised commandId → the events it recorded, in stream order. */
  byCommandId: Map<string, StoredEvent[]>;
}

/** Streams kept, least recently used dropped first: a dropped stream is read whole on its next command. */
const MAX_STREAMS = 2000;

export class StreamCache {
  private readonly streams = new Map<string, LoadedStream>();

  constructor(
    private readonly store: EventStore,
    private readonly toFact: (event: StoredEvent) => UncheckedFact,
  ) {}

  async load(streamId: string, measureId: string): Promise<LoadedStream> {
    const from = this.nextRevision(streamId);
    const newer = await this.store.readStream(streamId, { fromRevision: from });
    return this.absorb(streamId, measureId, from, newer) ?? this.load(streamId, measureId);
  }

  /**
   * The same, reading synchronously: inside a write transaction, where nothing
   * else runs meanwhile. Given the stream's head as the transaction sees it, a
   * stream already folded up to it is not read at all: events are never
   * changed once stored, so equal revisions mean equal streams, as long as
   * what was folded was committed (callers forget a stream whose write failed).
   */
  loadWith(
    streamId: string,
    measureId: string,
    read: (fromRevision: bigint) => StoredEvent[],
    head?: bigint | 'no_stream',
  ): LoadedStream {
    if (head !== undefined) {
      const revision = head === 'no_stream' ? -1 : Number(head);
      const cached = this.streams.get(streamId);
      if (cached?.state.revision === revision) return this.keep(streamId, cached);
      // Ahead of the store: it folded events that were undone. Only a read from the start is sure.
      if (cached && cached.state.revision > revision) this.streams.delete(streamId);
      if (revision === -1) return this.absorb(streamId, measureId, 0n, [])!;
    }
    const from = this.nextRevision(streamId);
    return this.absorb(streamId, measureId, from, read(from)) ?? this.loadWith(streamId, measureId, read);
  }

  /** Folds events just appended to a stream, sparing the next load from reading them back. */
  record(streamId: string, appended: StoredEvent[]): void {
    const loaded = this.streams.get(streamId);
    if (!loaded) return;
    for (const event of appended) {
      if (Number(event.revision) <= loaded.state.revision) continue;
      if (Number(event.revision) !== loaded.state.revision + 1) return void this.streams.delete(streamId);
      this.fold(loaded, event);
    }
  }

  /** Drops streams whose folded events may not have been committed: their next load reads them whole. */
  forget(streamIds: Iterable<string>): void {
    for (const streamId of streamIds) this.streams.delete(streamId);
  }

  private nextRevision(streamId: string): bigint {
    const before = this.streams.get(streamId);
    return BigInt(before ? before.state.revision + 1 : 0);
  }

  /** Folds what was read from `from` on; undefined when only a read from the start can fill the stream. */
  private absorb(streamId: string, measureId: string, from: bigint, newer: StoredEvent[]): LoadedStream | undefined {
    let loaded = this.streams.get(streamId);
    if (!loaded) {
      // Dropped or never read: only a read from the start can fill it.
      if (from > 0n) return undefined;
      loaded = { state: initialState(measureId), byCommandId: new Map() };
    }
    for (const event of newer) {
      const revision = Number(event.revision);
      if (revision <= loaded.state.revision) continue; // folded meanwhile by a concurrent load
      if (revision !== loaded.state.revision + 1) {
        this.streams.delete(streamId);
        return undefined;
      }
      this.fold(loaded, event);
    }
    return this.keep(streamId, loaded);
  }

  /** Marks the stream most recently used, dropping the least recently used beyond the limit. */
  private keep(streamId: string, loaded: LoadedStream): LoadedStream {
    this.streams.delete(streamId);
    this.streams.set(streamId, loaded);
    if (this.streams.size > MAX_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    return loaded;
  }

  private fold(loaded: LoadedStream, event: StoredEvent): void {
    loaded.state.recorded.push(readFact(this.toFact(event), loaded.state.recorded));
    loaded.state.revision = Number(event.revision);
    loaded.last = event;
    const commandId = event.metadata.commandId;
    if (typeof commandId !== 'string') return;
    // Kept without the rest of the metadata: a repetition compares the type, measure and digest only.
    const digest = event.metadata[COMMAND_DIGEST];
    const kept: StoredEvent = {
      ...slim(event),
      metadata: { commandId, ...(digest !== undefined ? { [COMMAND_DIGEST]: digest } : {}) },
    };
    const key = normaliseCommandId(commandId);
    const events = loaded.byCommandId.get(key);
    if (events) events.push(kept);
    else loaded.byCommandId.set(key, [kept]);
  }
}

/** The event's identity and place: its payload is in the state, and only the digest of its metadata is compared. */
function slim(event: StoredEvent): StoredEvent {
  return {
    streamId: event.streamId,
    eventId: event.eventId,
    type: event.type,
    data: undefined,
    metadata: {},
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
  };
}
