/**
 * The storage semantics of the wire-level EventStoreDB test server, kept to
 * what EVENTSTOREDB.md documents: streams with revisions, one `$all` log whose
 * positions strictly increase with gaps (byte offsets on a real server),
 * expected-revision checks, and idempotent re-sends of the same event ids.
 * It outlives the gRPC servers that serve it, so a server can be stopped and
 * started again on the same data.
 */
export type Expected =
  { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export interface ProposedEvent {
  eventId: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface LogRecord extends ProposedEvent {
  streamId: string;
  revision: bigint;
  /** Commit equals prepare: every event is its own record in `$all`. */
  position: bigint;
  /** 100-nanosecond ticks since the Unix epoch, as the server's `created`. */
  createdTicks: bigint;
}

export type AppendOutcome =
  | { ok: true; currentRevision: bigint; commit: bigint; prepare: bigint; written: boolean }
  | { ok: false; currentRevision: bigint | 'no_stream'; expected: Expected };

export interface WireLogOptions {
  /** Write a `$stats-…` system event after every n ledger appends, as a real server writes its own streams. */
  systemEventEvery?: number;
  /** The clock of the `created` stamps (milliseconds since the epoch); the wall clock unless a test moves its own. */
  now?: () => number;
}

export class WireLog {
  readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private readonly listeners = new Set<(record: LogRecord) => void>();
  private nextPosition = 1_024n;
  private appends = 0;

  constructor(private readonly options: WireLogOptions = {}) {
    this.write('$stats-127.0.0.1:2113', [systemEvent()]);
  }

  stream(streamId: string): LogRecord[] {
    return this.streams.get(streamId) ?? [];
  }

  onAppend(listener: (record: LogRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamId: string, events: ProposedEvent[], expected: Expected): AppendOutcome {
    const stream = this.stream(streamId);
    const current = stream.length ? stream[stream.length - 1]!.revision : 'no_stream';
    const retry = this.idempotentRetry(stream, events, expected);
    if (retry) return retry;
    if (!satisfies(expected, current)) return { ok: false, currentRevision: current, expected };
    if (events.length === 0) {
      return {
        ok: true,
        currentRevision: current === 'no_stream' ? -1n : current,
        commit: this.nextPosition,
        prepare: this.nextPosition,
        written: false,
      };
    }
    const written = this.write(streamId, events);
    if (this.options.systemEventEvery && ++this.appends % this.options.systemEventEvery === 0)
      this.write('$stats-127.0.0.1:2113', [systemEvent()]);
    const last = written[written.length - 1]!;
    // As on a real server, the write's result names its last record as commit and its first as prepare.
    return {
      ok: true,
      currentRevision: last.revision,
      commit: last.position,
      prepare: written[0]!.position,
      written: true,
    };
  }

  /** Same event ids where this append would have put them: succeed without writing. */
  private idempotentRetry(stream: LogRecord[], events: ProposedEvent[], expected: Expected): AppendOutcome | undefined {
    if (!events.length) return undefined;
    const first = stream.findIndex((r) => r.eventId === events[0]!.eventId);
    if (first === -1) return undefined;
    const sameIds = events.every((e, i) => stream[first + i]?.eventId === e.eventId);
    const before = BigInt(first) - 1n;
    const sameExpectation =
      expected.kind === 'any' ||
      expected.kind === 'stream_exists' ||
      (expected.kind === 'no_stream' && before === -1n) ||
      (expected.kind === 'revision' && expected.revision === before);
    if (!sameIds || !sameExpectation) return undefined;
    const last = stream[first + events.length - 1]!;
    return {
      ok: true,
      currentRevision: last.revision,
      commit: last.position,
      prepare: stream[first]!.position,
      written: false,
    };
  }

  private write(streamId: string, events: ProposedEvent[]): LogRecord[] {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const createdTicks = BigInt(this.options.now?.() ?? Date.now()) * 10_000n;
    const written = events.map((event) => {
      const record: LogRecord = {
        ...event,
        streamId,
        revision: BigInt(stream.length),
        position: this.nextPosition,
        createdTicks,
      };
      this.nextPosition += 96n + BigInt(event.data.length + event.metadata.length);
      stream.push(record);
      this.records.push(record);
      return record;
    });
    for (const record of written) for (const listener of this.listeners) listener(record);
    return written;
  }
}

function satisfies(expected: Expected, current: bigint | 'no_stream'): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    case 'revision':
      return current !== 'no_stream' && current === expected.revision;
  }
}

function systemEvent(): ProposedEvent {
  const data = new TextEncoder().encode(JSON.stringify({ 'proc-cpu': 1 }));
  return {
    eventId: crypto.randomUUID(),
    type: '$statsCollected',
    contentType: 'application/json',
    data,
    metadata: new Uint8Array(),
  };
}
