/**
 * The one retry loop: try, and on a failure `shouldRetry` accepts, pause and try again, at most `attempts` times in
 * all. The last failure, or one not worth retrying, is thrown as it came.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** Whether a failure of try number `attempt` (from 1) is worth another try. */
  shouldRetry(error: unknown, attempt: number): boolean;
  /** The pause after a failure of try number `attempt`, in ms (none when 0). */
  delayMs(attempt: number): number;
}

export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.shouldRetry(error, attempt)) throw error;
      const pause = options.delayMs(attempt);
      if (pause > 0) await sleep(pause);
    }
  }
}

/** Pauses that double from `firstMs`, at most `maxMs`: `firstMs` after the first failure. */
export function exponentialBackoff(firstMs: number, maxMs: number): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, firstMs * 2 ** (attempt - 1));
}
