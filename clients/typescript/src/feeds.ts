/**
 * A change feed (Server-Sent Events over fetch) as an async iterable and an
 * rxjs Observable. A dropped connection is reopened with back-off and jitter,
 * resuming after the last id received (Last-Event-ID), so nothing is lost and
 * nothing repeated; a cut-off names the id to resume from. Errors that will not
 * go away (bad input, a key refused) end the feed with a LedgerApiError.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Observable } from 'rxjs';
import { LedgerApiError } from './errors.js';
import type { FeedMessage } from './events.js';

export interface BackOff {
  /** First wait after a failure (default 250 ms). */
  initialDelayMs?: number;
  /** Longest wait (default 30 s). */
  maxDelayMs?: number;
}

export interface FeedRequest {
  baseUrl: string;
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string>;
  fetch: typeof fetch;
  backOff: BackOff;
  /** Where to start when `after` is not given: the id of "now". */
  startingPoint: () => Promise<string | undefined>;
  after?: string;
  /** Told of each failed connection before the wait (for logs). */
  onReconnect?: (error: unknown, delayMs: number) => void;
}

export class Feed<T> implements AsyncIterable<FeedMessage<T>> {
  constructor(private readonly request: FeedRequest) {}

  [Symbol.asyncIterator](): AsyncIterator<FeedMessage<T>> {
    return this.messages(new AbortController())[Symbol.asyncIterator]();
  }

  /** The same messages as an Observable: unsubscribing closes the connection. */
  asObservable(): Observable<FeedMessage<T>> {
    return new Observable<FeedMessage<T>>((subscriber) => {
      const abort = new AbortController();
      void (async () => {
        try {
          for await (const message of this.messages(abort)) subscriber.next(message);
          subscriber.complete();
        } catch (error) {
          if (!abort.signal.aborted) subscriber.error(error);
        }
      })();
      return () => abort.abort();
    });
  }

  private async *messages(abort: AbortController): AsyncGenerator<FeedMessage<T>> {
    const fetchFn = this.request.fetch;
    let lastId = this.request.after ?? (await this.request.startingPoint());
    let failures = 0;
    try {
      while (!abort.signal.aborted) {
        let reader: ReadableStreamDefaultReader<string> | undefined;
        try {
          const response = await fetchFn(this.url(lastId), { headers: this.headers(lastId), signal: abort.signal });
          if (!response.ok || !response.body) {
            const error = await LedgerApiError.from(response);
            if (error.permanent) throw error;
            throw new RetryableError(error);
          }
          failures = 0;
          const received: EventSourceMessage[] = [];
          const parser = createParser({ onEvent: (message) => received.push(message) });
          reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let cutOff = false;
          while (!cutOff) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(value);
            for (const message of received.splice(0)) {
              if (message.event === 'cut-off') {
                const resumeFrom = (JSON.parse(message.data) as { resumeFrom?: string }).resumeFrom;
                if (resumeFrom) lastId = resumeFrom;
                cutOff = true;
                break;
              }
              if (message.id === undefined) continue;
              lastId = message.id;
              yield { id: message.id, data: JSON.parse(message.data) as T };
            }
          }
          // The stream ended (a restart, a proxy, a cut-off): open it again after the last id.
        } catch (error) {
          if (abort.signal.aborted) return;
          if (error instanceof LedgerApiError) throw error;
          const delay = this.delay(failures++);
          this.request.onReconnect?.(error instanceof RetryableError ? error.cause : error, delay);
          await sleep(delay, abort.signal);
          continue;
        } finally {
          await reader?.cancel().catch(() => undefined);
        }
        await sleep(this.delay(0), abort.signal);
      }
    } finally {
      abort.abort();
    }
  }

  private url(lastId: string | undefined): string {
    const url = new URL(this.request.path, this.request.baseUrl);
    for (const [name, value] of Object.entries(this.request.query))
      if (value !== undefined && value !== '') url.searchParams.set(name, value);
    if (lastId !== undefined) url.searchParams.set('after', lastId);
    return url.href;
  }

  private headers(lastId: string | undefined): Record<string, string> {
    return {
      ...this.request.headers,
      Accept: 'text/event-stream',
      ...(lastId !== undefined ? { 'Last-Event-ID': lastId } : {}),
    };
  }

  /** Exponential back-off with full jitter, capped. */
  private delay(failures: number): number {
    const initial = this.request.backOff.initialDelayMs ?? 250;
    const max = this.request.backOff.maxDelayMs ?? 30_000;
    const ceiling = Math.min(max, initial * 2 ** failures);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

class RetryableError extends Error {
  constructor(override readonly cause: LedgerApiError) {
    super(cause.message);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
