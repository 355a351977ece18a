/**
 * Holds a lease for as long as this instance lives: tries to take it, renews
 * it well before it expires, and says when it was gained and when lost. It
 * counts the lease lost as soon as it cannot be sure to hold it: the store
 * said another instance has it, or renewals failed until the next could come
 * after the expiry. So the work it guards stops here before another instance
 * may start it.
 */
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../config.js';
import type { Lease, LeaseStore, WallClock } from './lease.js';

export interface LeaseTiming {
  /** How long a lease lasts unless renewed: the longest another instance waits after this one dies. */
  ttlMs: number;
  /** How often the holder renews it, and others try to take it. */
  renewEveryMs: number;
}

export interface LeaseEvents {
  gained(lease: Lease): void | Promise<void>;
  lost(): void | Promise<void>;
}

const logger = new Logger('Leases');

/** LEDGER_LEASE_TTL (default 5s): renewed every fifth of it. */
export function leaseTimingFrom(env: NodeJS.ProcessEnv = process.env): LeaseTiming {
  const text = env.LEDGER_LEASE_TTL || '5s';
  const match = /^(\d{1,6})(ms|s)$/.exec(text.trim());
  const ttlMs = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
  if (!(ttlMs >= 500 && ttlMs <= 600_000))
    throw new ConfigError(
      'LEDGER_LEASE_TTL',
      `must be a duration from 500ms to 600s, such as 5s or 1500ms, got "${text}"`,
    );
  return { ttlMs, renewEveryMs: Math.round(ttlMs / 5) };
}

export class LeaseKeeper {
  private lease?: Lease;
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly store: LeaseStore,
    readonly name: string,
    readonly holder: string,
    private readonly timing: LeaseTiming,
    private readonly events: LeaseEvents,
    private readonly clock: WallClock = Date.now,
  ) {}

  get held(): boolean {
    return this.lease !== undefined;
  }

  /** The first attempt is made before this returns, so an instance alone on its ledger holds the lease once started. */
  async start(): Promise<void> {
    await this.tick();
    this.running = this.loop();
  }

  /** Stops renewing; a lease held is given up (after the work it guards has stopped) so another instance takes it at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    const lease = this.lease;
    if (!lease) return;
    await this.lose();
    try {
      await this.store.release(lease);
    } catch (error) {
      logger.warn(
        `could not give up the ${this.name} lease (${(error as Error).message}); it expires within ${this.timing.ttlMs} ms`,
      );
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      try {
        await sleep(this.timing.renewEveryMs, undefined, { signal: this.abort.signal });
      } catch {
        return;
      }
      await this.tick();
    }
  }

  private async tick(): Promise<void> {
    try {
      if (this.lease) {
        const renewed = await this.store.renew(this.lease, this.timing.ttlMs);
        if (renewed) this.lease = renewed;
        else {
          logger.warn(`the ${this.name} lease passed to another instance`);
          await this.lose();
        }
        return;
      }
      const gained = await this.store.acquire(this.name, this.holder, this.timing.ttlMs);
      if (gained && !this.abort.signal.aborted) {
        this.lease = gained;
        logger.log(`holds the ${this.name} lease (fencing token ${gained.fencingToken})`);
        await this.events.gained(gained);
      }
    } catch (error) {
      // The next renewal could come after the expiry: another instance may take the lease meanwhile.
      if (this.lease && this.clock() + this.timing.renewEveryMs >= this.lease.expiresAt) {
        logger.warn(`cannot renew the ${this.name} lease (${(error as Error).message}); stopping the work it guards`);
        await this.lose();
      } else if (!this.lease) logger.warn(`cannot reach the ${this.name} lease: ${(error as Error).message}`);
    }
  }

  private async lose(): Promise<void> {
    if (!this.lease) return;
    this.lease = undefined;
    await this.events.lost();
  }
}
