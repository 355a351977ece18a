/**
 * The event loop's recent worst delay, for /health: sampled by
 * perf_hooks.monitorEventLoopDelay over windows of 10 s, reporting the
 * current and the previous window, so a reader polling every few seconds
 * sees every stall once and start-up stalls age out.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const WINDOW_MS = 10_000;

export class EventLoopDelay {
  private current: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private previousMaxMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.current.enable();
    this.timer = setInterval(() => this.rotate(), WINDOW_MS).unref();
  }

  /** The worst delay (ms) over the last 10 to 20 s. */
  recentMaxMs(): number {
    return Math.round(Math.max(this.previousMaxMs, this.current.max / 1e6) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.timer);
    this.current.disable();
  }

  private rotate(): void {
    this.previousMaxMs = this.current.max / 1e6;
    this.current.reset();
  }
}

export const eventLoopDelay = new EventLoopDelay();
