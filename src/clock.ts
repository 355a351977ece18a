/**
 * The ledger's clock, shared by every capability: the feeds wait on it, the queries and investigations read now from
 * it. Injected (under `CLOCK`) so that tests can move time.
 */

/** The injection token for the ledger's clock. */
export const CLOCK = Symbol('Clock');

/** Now, and waiting for a moment. */
export interface LedgerClock {
  now(): number;
  /** Resolves at `ms` (or at once if it has passed), or when the signal aborts. */
  sleepUntil(ms: number, signal: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 60 * 60 * 1000;

export const systemClock: LedgerClock = {
  now: () => Date.now(),
  sleepUntil(ms, signal) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      // Long waits are cut into hours: timers beyond 2^31 ms fire at once.
      const timer = setTimeout(done, Math.max(0, Math.min(ms - Date.now(), MAX_TIMER_MS)));
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  },
};
