/**
 * Tells a test when delivery workers store an attempt (and the endpoint state
 * it leads to), so that it waits for a cursor or a status on that signal
 * rather than polling on a timer.
 */
import type { SubscriberStateStore } from '../../src/subscriber-state/subscriber-state.js';

export interface RecordedAttempts {
  /** Resolves once `condition` holds, checked now and after every stored attempt. */
  until(condition: () => boolean | Promise<boolean>): Promise<void>;
}

/** Watches the attempts stored in `state` (the instance the workers write to) from now on. */
export function watchAttempts(state: SubscriberStateStore): RecordedAttempts {
  const waiters: (() => void)[] = [];
  const record = state.recordAttempt.bind(state);
  state.recordAttempt = async (...args) => {
    try {
      return await record(...args);
    } finally {
      for (const wake of waiters.splice(0)) wake();
    }
  };
  return {
    async until(condition) {
      for (;;) {
        // Listening before looking: an attempt stored while the condition is read is not missed.
        const next = new Promise<void>((resolve) => waiters.push(resolve));
        if (await condition()) return;
        await next;
      }
    },
  };
}
