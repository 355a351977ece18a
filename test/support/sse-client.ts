/**
 * A minimal Server-Sent Events client over node:http, for tests: it can stop
 * reading (a stalled client) and resume with Last-Event-ID.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export class SseConnection {
  private static readonly open_ = new Set<SseConnection>();

  /** Closes every connection still open (for afterEach, so a failed test cannot keep a server alive). */
  static closeAll(): void {
    for (const connection of SseConnection.open_) connection.close();
  }

  readonly messages: SseMessage[] = [];
  comments = 0;
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private req?: ClientRequest;
  response?: IncomingMessage;

  static open(url: string, headers: Record<string, string>): Promise<SseConnection> {
    const connection = new SseConnection();
    SseConnection.open_.add(connection);
    return new Promise((resolve, reject) => {
      connection.req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        connection.response = response;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => connection.feed(chunk));
        response.on('end', () => connection.finish());
        response.on('close', () => connection.finish());
        resolve(connection);
      });
      connection.req.on('error', (error) => (connection.response ? connection.finish() : reject(error)));
      connection.req.end();
    });
  }

  get status(): number {
    return this.response?.statusCode ?? 0;
  }

  /** Stops reading: the socket's buffers fill and the server sees a stalled client. */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  close(): void {
    SseConnection.open_.delete(this);
    this.req?.destroy();
    this.finish();
  }

  /** The last `id:` received, with or without data, as EventSource keeps it for Last-Event-ID. */
  lastId: string | undefined;

  /** The last `retry:` received: how long EventSource would wait before reconnecting, in ms. */
  retry: number | undefined;

  /** The last `: evaluated <id>` comment: how far the feed says it has evaluated and sent. */
  evaluated: string | undefined;

  /**
   * Waits until the effective feed says that, as far as the records up to
   * `position` tell, it has sent every transition up to `time`: whatever it
   * owes by then has arrived, and a transition it should not send would have.
   */
  async evaluatedThrough(time: number, position: bigint, ms = 10_000): Promise<void> {
    await this.until((c) => {
      const through = /^(\d+)-1-(\d+)-~$/.exec(c.evaluated ?? '');
      return !!through && Number(through[1]) >= time && BigInt(through[2]!) >= position;
    }, ms);
  }

  /** Waits until the ledger feed says it has sent, or filtered out, every event up to `position`. */
  async sentThrough(position: bigint, ms = 10_000): Promise<void> {
    await this.until((c) => /^\d+$/.test(c.evaluated ?? '') && BigInt(c.evaluated!) >= position, ms);
  }

  /** Waits until `predicate` holds (checked on every message), or fails after `ms`. */
  async until(predicate: (c: SseConnection) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out with ${this.messages.length} messages (ended: ${this.ended}, evaluated: ${this.evaluated})`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const message: SseMessage = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments++;
          if (line.startsWith(': evaluated ')) this.evaluated = line.slice(12);
        } else if (line.startsWith('id: ')) this.lastId = message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
        else if (line.startsWith('data: ')) {
          message.data += (hasData ? '\n' : '') + line.slice(6);
          hasData = true;
        }
      }
      if (hasData) this.messages.push(message);
    }
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
