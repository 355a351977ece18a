/**
 * A subscription that pages through `readAll` from its last position: gap-free
 * and duplicate-free by construction, since every event is read from the log
 * itself. Between pages it sleeps until woken (an append in this process) or
 * until the poll interval passes (an append by another process).
 */
import type { ReadAllOptions, StoredEvent, Subscription } from './event-store.js';

export interface Waker {
  /** Resolves at the next local append, or after `ms`. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

export class AppendSignal implements Waker {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

export class PollingSubscription implements Subscription {
  private readonly abort = new AbortController();

  constructor(
    private readonly readAll: (options: ReadAllOptions) => Promise<StoredEvent[]>,
    private readonly start: Promise<bigint>,
    private readonly waker: Waker,
    private readonly pollMs: number,
    private readonly pageSize = 512,
  ) {}

  async close(): Promise<void> {
    this.abort.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    let position = await this.start;
    while (!this.abort.signal.aborted) {
      const page = await this.readAll({ after: position, maxCount: this.pageSize });
      for (const event of page) {
        if (this.abort.signal.aborted) return;
        position = event.position;
        yield event;
      }
      if (page.length < this.pageSize) await this.waker.wait(this.pollMs, this.abort.signal);
    }
  }
}
