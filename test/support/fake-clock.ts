import type { LedgerClock } from '../../src/clock.js';

/** A clock that moves only when told to. */
export class FakeClock implements LedgerClock {
  private sleepers = new Set<{ until: number; wake: () => void }>();
  private watchers = new Set<() => void>();

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= this.current || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        until: ms,
        wake: () => {
          this.sleepers.delete(sleeper);
          signal.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal.addEventListener('abort', sleeper.wake, { once: true });
      for (const watcher of [...this.watchers]) watcher();
    });
  }

  /**
   * Resolves once `count` sleepers wait for `ms`: a feed waiting for an
   * instant has evaluated everything due before it, a signal rather than a pause.
   */
  sleeping(ms: number, count = 1): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if ([...this.sleepers].filter((s) => s.until === ms).length < count) return;
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Moves to `ms`, waking everyone whose moment has come. */
  advanceTo(ms: number): void {
    this.current = ms;
    for (const sleeper of [...this.sleepers]) if (sleeper.until <= ms) sleeper.wake();
  }
}
