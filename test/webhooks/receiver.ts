/**
 * A webhook receiver for tests: an HTTP server on 127.0.0.1 that records every
 * request, answers 500 to the first `failFirst` attempts at each message (or
 * to all while `failAll`), and tells waiters on every request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  failFirst = 0;
  failAll = false;
  /** The most requests it was ever handling at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly attemptsById = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private readonly server: Server;
  url = '';

  constructor(private readonly handlingMs = 5) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        setTimeout(() => {
          const id = String(request.headers['webhook-id']);
          const attempt = (this.attemptsById.get(id) ?? 0) + 1;
          this.attemptsById.set(id, attempt);
          const status = this.failAll || attempt <= this.failFirst ? 500 : 204;
          this.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
          this.inFlight--;
          response.writeHead(status).end();
          for (const wake of this.waiters.splice(0)) wake();
        }, this.handlingMs);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** Requests answered 2xx, in the order received. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status < 300);
  }

  async until(predicate: (r: Receiver) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `receiver: condition not met within ${ms} ms (${this.requests.length} requests, ${this.accepted.length} accepted)`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  reset(): void {
    this.requests.length = 0;
    this.attemptsById.clear();
    this.failFirst = 0;
    this.failAll = false;
    this.maxInFlight = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
