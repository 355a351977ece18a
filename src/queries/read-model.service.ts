/**
 * Keeps the ledger read model current: a catch-up subscription folds every
 * event in, remembering its position, and resumes from it after a failure.
 * Queries wait (briefly, boundedly) until the model has reached everything
 * this process has written, so a query after an acknowledged command sees it.
 */
import { Logger } from '@nestjs/common';
import { InstantIndex } from '../../projections/instant-index.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { EventStore, Subscription } from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import { StorageFailure } from '../event-store/storage-failure.js';
import type { WriteWatermark } from '../write-watermark.js';
import { RecentEvents } from './recent-events.js';
import type { StoredEvent } from '../event-store/event-store.js';
import { ReadModelSnapshots, type SnapshotOptions } from './read-model-snapshots.js';

export interface RebuildStats {
  events: number;
  measures: number;
  subjects: number;
  position: string;
  seconds: number;
  eventsPerSecond: number;
}

const PAGE = 5000;

export class ReadModelService {
  private model: LedgerReadModel = initialState();
  private instantIndex = new InstantIndex();
  /** The newest events folded, for the feeds (see recent-events.ts). */
  readonly recent = new RecentEvents(0n);
  private subscription?: Subscription;
  private stopped = false;
  private waiters = new Set<() => void>();
  private readonly logger = new Logger('ReadModel');
  /** Set when the log cannot be read any further (a damaged file): every query then says so, rather than wait. */
  private stoppedBy?: StorageFailure;

  private readonly maxWaitMs: number;
  private readonly follows: boolean;
  private snapshots?: ReadModelSnapshots;
  /** The last event folded, which a snapshot names to be checked against the store. */
  private lastFolded?: StoredEvent;

  constructor(
    private readonly store: EventStore,
    private readonly watermark: WriteWatermark,
    options: { follow?: boolean; maxWaitMs?: number } = {},
  ) {
    this.follows = options.follow ?? true;
    this.maxWaitMs = options.maxWaitMs ?? 5000;
  }

  /** Nest lifecycle: follow the log while the application runs. */
  async onModuleInit(): Promise<void> {
    if (this.follows) await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts following the log; the first queries wait until the model reaches the head seen at start. */
  async start(): Promise<void> {
    this.watermark.advance(await this.store.headPosition());
    void this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.subscription?.close();
    // The model no longer moves: a last snapshot, so the next start folds only what is recorded after.
    if (!this.stoppedBy) await this.snapshots?.stop(this.model, this.instantIndex, this.lastFolded);
  }

  /** Loads a snapshot at start, when a usable one is there, and writes them as the model grows (see read-model-snapshots.ts). */
  keepSnapshots(options: SnapshotOptions | undefined): void {
    if (options) this.snapshots = new ReadModelSnapshots(this.store, options);
  }

  /** The model, once it has folded in every event this process has written. */
  async current(): Promise<LedgerReadModel> {
    await this.waitFor(this.watermark.position);
    return this.model;
  }

  /**
   * Resolves once the model has folded the head seen at start (or stopped):
   * for start-up work that should follow the read model rather than compete
   * with it for the event loop. Unbounded, unlike queries' waits.
   */
  async caughtUp(): Promise<void> {
    const target = this.watermark.position;
    while (this.model.position < target && !this.stopped && !this.stoppedBy) await this.nextWake();
  }

  /** The instants at which folded facts take effect or end, kept with the model for the effective feeds. */
  get instants(): InstantIndex {
    return this.instantIndex;
  }

  get position(): bigint {
    return this.model.position;
  }

  /** Why the model stopped following the log for good, if it did. */
  get failure(): string | undefined {
    return this.stoppedBy?.message;
  }

  /** The model once it has folded at least up to `position` (bounded wait, then 503). */
  async reach(position: bigint): Promise<LedgerReadModel> {
    await this.waitFor(position);
    return this.model;
  }

  /** How many are waiting for the model to move: caught-up feed connections and queries waiting for a write. */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Resolves once the model has folded an event after `position`, the signal
   * aborts, or `maxMs` passes: the feeds wait here for appends, by this
   * process or another, without holding a subscription's page of events.
   * False once the service has stopped: nothing more will come.
   */
  beyond(position: bigint, signal: AbortSignal, maxMs: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    if (this.model.position > position || signal.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal.removeEventListener('abort', done);
        resolve(!this.stopped);
      };
      const check = () => (this.stopped || this.model.position > position) && done();
      const timer = setTimeout(done, maxMs);
      this.waiters.add(check);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Folds the whole log into a fresh model, then swaps it in. */
  async rebuild(): Promise<RebuildStats> {
    const { model, instants, stats } = await buildReadModel(this.store);
    const previous = this.subscription;
    this.model = model;
    this.instantIndex = instants;
    this.recent.reset(model.position);
    this.lastFolded = undefined;
    await previous?.close();
    return stats;
  }

  private async follow(): Promise<void> {
    if (this.snapshots) await this.startFromSnapshot(this.snapshots);
    let delay = 100;
    while (!this.stopped) {
      const subscription = this.store.subscribeToAll({ after: this.model.position });
      this.subscription = subscription;
      try {
        for await (const event of subscription) {
          if (event.position <= this.model.position) continue;
          evolve(this.model, event);
          this.instantIndex.addEvent(event);
          this.recent.push(event);
          this.lastFolded = event;
          this.wake();
          delay = 100;
        }
      } catch (error) {
        if (error instanceof StorageFailure && error.permanent) {
          this.stoppedBy = error;
          this.logger.error(`the read model stopped at position ${this.model.position}: ${error.message}`);
          this.wake();
          return;
        }
        this.logger.error(
          `the read model's subscription failed; resuming from ${this.model.position}: ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async startFromSnapshot(snapshots: ReadModelSnapshots): Promise<void> {
    const loaded = await snapshots.load();
    if (loaded && !this.stopped && this.model.position === 0n) {
      this.model = loaded.model;
      this.instantIndex = loaded.instants;
      this.recent.reset(loaded.model.position);
      this.wake();
    }
    if (!this.stopped)
      snapshots.every(() => ({ model: this.model, instants: this.instantIndex, last: this.lastFolded }));
  }

  private throwIfStopped(): void {
    if (this.stoppedBy)
      throw new LedgerError(
        'unavailable',
        `the ledger cannot answer: ${this.stoppedBy.message}`,
        this.stoppedBy.details,
      );
  }

  private wake(): void {
    for (const wake of this.waiters) wake();
  }

  /** Resolves at the next fold or stop (see `wake`), or after `maxMs`. */
  private nextWake(maxMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = maxMs === undefined ? undefined : setTimeout(done, maxMs);
      this.waiters.add(done);
    });
  }

  private async waitFor(position: bigint): Promise<void> {
    this.throwIfStopped();
    if (this.model.position >= position) return;
    const deadline = Date.now() + this.maxWaitMs;
    while (this.model.position < position) {
      this.throwIfStopped();
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new LedgerError(
          'unavailable',
          `the read model is at position ${this.model.position}, behind ${position}; try again shortly`,
        );
      }
      await this.nextWake(Math.min(left, 100));
    }
  }
}

/** Folds the whole log, page by page, into a new read model. */
export async function buildReadModel(
  store: EventStore,
  onProgress?: (events: number) => void,
): Promise<{ model: LedgerReadModel; instants: InstantIndex; stats: RebuildStats }> {
  const started = performance.now();
  const model = initialState();
  const instants = new InstantIndex();
  for (;;) {
    const page = await store.readAll({ after: model.position, maxCount: PAGE });
    for (const event of page) {
      evolve(model, event);
      instants.addEvent(event);
    }
    onProgress?.(model.eventCount);
    if (page.length < PAGE) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    model,
    instants,
    stats: {
      events: model.eventCount,
      measures: model.measures.size,
      subjects: model.subjects.size,
      position: model.position.toString(),
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: Math.round(model.eventCount / Math.max(seconds, 1e-9)),
    },
  };
}
