/**
 * Writes Server-Sent Events to one client with a bounded buffer: a client that
 * stops reading for longer than the stall timeout while the buffer is full is
 * sent a final `cut-off` message naming the id to resume from, and dropped, so
 * a stalled client costs the server at most its buffer. Every open stream is
 * known to SseConnections, so a shutdown can end them all with a last message.
 */
import type { ServerResponse } from 'node:http';

export type FeedName = 'ledger' | 'effective';

export interface SseOptions {
  heartbeatMs: number;
  /** Bytes the server holds for one client before it waits for the client to read. */
  maxBufferedBytes: number;
  /** How long it waits for a full buffer to drain before cutting the client off. */
  stallTimeoutMs: number;
  /** Told of every client cut off, with the id it can resume from (for logs and metrics). */
  onCutOff?: (resumeFrom: string, feed: FeedName) => void;
  /** The streams open in this application (one instance per app). */
  connections?: SseConnections;
}

export const SSE_OPTIONS = Symbol('SseOptions');

export const DEFAULT_SSE_OPTIONS: SseOptions = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 256 * 1024,
  stallTimeoutMs: 5_000,
};

/** How long a client told to go has to take its last message before its socket is destroyed. */
const LAST_MESSAGE_GRACE_MS = 1000;

/** The stall timeout is judged in this many steps, so in at least as many turns of the event loop. */
const STALL_STEPS = 10;

/** How soon a client told the server is shutting down should try again (another instance, or this one restarted). */
export const SHUTDOWN_RETRY_MS = 1000;

/** The open streams of one application: counted for metrics, ended together at shutdown. */
export class SseConnections {
  private readonly writers = new Set<SseWriter>();
  private readonly cutOffCounts: Record<FeedName, number> = { ledger: 0, effective: 0 };
  private closing = false;

  add(writer: SseWriter): void {
    this.writers.add(writer);
    // A stream opened on a connection that was already in flight when shutdown began is told at once.
    if (this.closing) void writer.shutdown();
  }

  remove(writer: SseWriter): void {
    this.writers.delete(writer);
  }

  count(feed: FeedName): number {
    let n = 0;
    for (const writer of this.writers) if (writer.feed === feed) n++;
    return n;
  }

  cutOffs(feed: FeedName): number {
    return this.cutOffCounts[feed];
  }

  countCutOff(feed: FeedName): void {
    this.cutOffCounts[feed]++;
  }

  /** Sends every stream a last `shutdown` message and ends it; resolves once every socket has closed. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.writers].map((writer) => writer.shutdown()));
  }
}

export class SseWriter {
  private heartbeat?: NodeJS.Timeout;
  private open = true;
  /** How far the feed has evaluated, as last told (asked when written), and as last written. */
  private evaluatedThrough?: () => string;
  private evaluatedWritten?: string;
  private evaluatedScheduled = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly options: SseOptions,
    /** The id a client would resume from if it were cut off now. */
    private lastId: string,
    readonly feed: FeedName = 'ledger',
  ) {}

  start(): void {
    this.response.statusCode = 200;
    this.response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.response.setHeader('Cache-Control', 'no-cache, no-transform');
    this.response.setHeader('Connection', 'keep-alive');
    this.response.setHeader('X-Accel-Buffering', 'no');
    this.response.flushHeaders();
    // The id of where the stream starts: a client that loses the connection before any message resumes from here,
    // not from whenever it reconnects (an id without data sets EventSource's Last-Event-ID and dispatches nothing).
    this.response.write(`retry: 2000\n${this.lastId ? `id: ${this.lastId}\n` : ''}\n`);
    // A heartbeat says again how far the feed has evaluated, once it has said so.
    this.heartbeat = setInterval(
      () => this.open && this.comment(this.evaluatedComment() ?? 'heartbeat'),
      this.options.heartbeatMs,
    );
    this.response.on('close', () => this.stop());
    this.options.connections?.add(this);
  }

  /**
   * The server is going away: a last `shutdown` message naming the id to
   * resume from, with `retry:` so EventSource reconnects (to this server
   * restarted, or another). Resolves when the socket has closed; a client
   * that does not read has its socket destroyed after a short grace.
   */
  shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.response.writableFinished || this.response.destroyed ? resolve() : this.response.once('close', resolve),
    );
    if (this.open) {
      this.response.write(
        `event: shutdown\nretry: ${SHUTDOWN_RETRY_MS}\ndata: ${JSON.stringify({ reason: 'server-shutting-down', resumeFrom: this.lastId })}\n\n`,
      );
      this.response.end();
      this.stop();
    }
    setTimeout(() => this.response.destroy(), LAST_MESSAGE_GRACE_MS).unref();
    return closed;
  }

  /**
   * The feed cannot go on: a last `error` message carrying the error (in the
   * one error shape) and the id to resume from, with `retry:` saying how long
   * EventSource should wait before it reconnects, then the end.
   */
  fail(error: object, retryMs: number): void {
    if (!this.open) return;
    this.response.write(
      `event: error\nretry: ${retryMs}\ndata: ${JSON.stringify({ ...error, resumeFrom: this.lastId })}\n\n`,
    );
    this.end();
  }

  /** Sends one message; false once the client is gone or was cut off. */
  send(id: string, data: unknown, event?: string): Promise<boolean> {
    return this.sendJson(id, JSON.stringify(data), event);
  }

  /** `send`, of data already serialised (one line of JSON). */
  async sendJson(id: string, json: string, event?: string): Promise<boolean> {
    if (this.gone()) return false;
    if (this.response.writableLength > this.options.maxBufferedBytes && !(await this.drained())) {
      this.cutOff();
      return false;
    }
    if (this.gone()) return false;
    this.response.write(`${event ? `event: ${event}\n` : ''}id: ${id}\ndata: ${json}\n\n`);
    this.lastId = id;
    return true;
  }

  /**
   * The feed has sent everything up to what `through` names and waits: the
   * client is told in a comment, `: evaluated <id>`, which SSE clients
   * ignore. A burst of these within one turn of the event loop writes only
   * the last, and only if it says something new.
   */
  evaluated(through: () => string): void {
    this.evaluatedThrough = through;
    if (this.evaluatedScheduled) return;
    this.evaluatedScheduled = true;
    setImmediate(() => {
      this.evaluatedScheduled = false;
      const comment = this.evaluatedComment();
      if (!this.open || comment === undefined || comment === this.evaluatedWritten) return;
      if (this.comment(comment)) this.evaluatedWritten = comment;
    });
  }

  /**
   * Writes a comment unless the buffer is full: a client that does not read
   * gets no more of them (a quiet or filtered feed sends it nothing else), and
   * is watched as a message would watch it, then cut off if it stays stalled.
   */
  private comment(text: string): boolean {
    if (this.gone()) return false;
    if (this.response.writableLength <= this.options.maxBufferedBytes) {
      this.response.write(`: ${text}\n\n`);
      return true;
    }
    if (!this.watchingStall) {
      this.watchingStall = true;
      void this.drained().then((reading) => {
        this.watchingStall = false;
        if (!reading && this.open) this.cutOff();
      });
    }
    return false;
  }

  private watchingStall = false;

  private evaluatedComment(): string | undefined {
    return this.evaluatedThrough && `evaluated ${this.evaluatedThrough()}`;
  }

  end(): void {
    if (this.open) this.response.end();
    this.stop();
  }

  /**
   * Resolves true once the client has read the buffer down to the bound,
   * false once it has gone or read nothing for the stall timeout. A client
   * still reading, however slowly, is waited for. The timeout is counted in
   * steps, each after a turn of the event loop's I/O: a loop held up by other
   * work (a long fold, a loaded machine) must not take a healthy client for a
   * stalled one because its reads were not yet seen.
   */
  private drained(): Promise<boolean> {
    return new Promise((resolve) => {
      const stepMs = Math.max(1, this.options.stallTimeoutMs / STALL_STEPS);
      let before = unsent(this.response);
      let stepsWithoutReading = 0;
      let timer: NodeJS.Timeout | undefined;
      const step = () => {
        const now = unsent(this.response);
        if (now.buffered <= this.options.maxBufferedBytes) return finish(true);
        const read = readSince(before, now);
        stepsWithoutReading = read ? 0 : stepsWithoutReading + 1;
        if (stepsWithoutReading >= STALL_STEPS) return finish(false);
        before = now;
        timer = setTimeout(step, stepMs);
      };
      const onDrain = () => finish(true);
      const onClose = () => finish(false);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.response.off('drain', onDrain);
        this.response.off('close', onClose);
        resolve(ok);
      };
      this.response.on('drain', onDrain);
      this.response.on('close', onClose);
      timer = setTimeout(step, stepMs);
    });
  }

  private cutOff(): void {
    if (!this.open) return;
    this.response.write(
      `event: cut-off\ndata: ${JSON.stringify({ reason: 'slow-consumer', resumeFrom: this.lastId })}\n\n`,
    );
    this.response.end();
    this.stop();
    this.options.connections?.countCutOff(this.feed);
    this.options.onCutOff?.(this.lastId, this.feed);
    this.dropUnlessReading(unsent(this.response));
  }

  /**
   * The buffered bytes go with the socket once the client stops reading them:
   * a client that never reads cannot hold them, and one that reads on gets
   * its cut-off message, however slowly the machine lets it.
   */
  private dropUnlessReading(pending: Unsent): void {
    setTimeout(
      () => {
        if (this.response.writableFinished || this.response.destroyed) return;
        const left = unsent(this.response);
        const reading = readSince(pending, left);
        if (left.buffered > 0 && reading) this.dropUnlessReading(left);
        else this.response.destroy();
      },
      Math.max(this.options.stallTimeoutMs, LAST_MESSAGE_GRACE_MS),
    ).unref();
  }

  /**
   * Whether the stream is over. A socket the client closed is destroyed at
   * once, but the response says so ('close') only a turn later: a feed sending
   * a burst meanwhile would have each write refused with an error built for it.
   */
  private gone(): boolean {
    if (this.open && (this.response.destroyed || this.response.writableEnded)) this.stop();
    return !this.open;
  }

  private stop(): void {
    this.open = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.options.connections?.remove(this);
  }
}

/**
 * What the server still holds for a client: the bytes of its buffer, and of
 * those the socket has taken and not yet handed to the kernel. A large write
 * leaves the buffer only once the kernel has all of it; the socket's own
 * count falls with every part the client makes room for, so a client reading
 * one large message is seen reading. (The count is the socket handle's
 * `writeQueueSize`, which Node keeps up to date; absent, only the buffer is
 * judged.)
 */
interface Unsent {
  buffered: number;
  inSocket: number;
}

function unsent(response: ServerResponse): Unsent {
  const handle = (response.socket as { _handle?: { writeQueueSize?: number } } | null)?._handle;
  return { buffered: response.writableLength, inSocket: handle?.writeQueueSize ?? 0 };
}

/** Whether the client read anything between two looks at what the server held for it. */
function readSince(before: Unsent, now: Unsent): boolean {
  return now.buffered < before.buffered || now.inSocket < before.inSocket;
}
