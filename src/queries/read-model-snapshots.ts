/**
 * When the read model is snapshotted, and what a start does with a snapshot:
 * loaded if it stands for this ledger under this code, else discarded with
 * the reason logged and the log folded from scratch. Written after every
 * `everyEvents` events folded (checked on a timer, off the path of commands
 * and queries) and when the server stops. The file format is in
 * read-model-snapshot.ts.
 */
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InstantIndex } from '../../projections/instant-index.js';
import type { LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { LedgerConfig } from '../config.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { storedHash } from '../integrity/event-hash.js';
import {
  ledgerIdentity,
  removeUnfinished,
  writeSnapshot,
  type LedgerIdentity,
  type LoadedSnapshot,
  type WriteFigures,
} from './read-model-snapshot.js';
import { mismatch, readSnapshot, readTrailer, SnapshotRejected } from './read-model-snapshot-reading.js';

export const SNAPSHOT_FILE = 'read-model.snapshot';

export interface SnapshotOptions {
  /** The snapshot file. */
  path: string;
  /** A snapshot is written once this many events have been folded since the last (default 100,000). */
  everyEvents?: number;
  /** How often that is checked, in ms (default 30 s). */
  checkMs?: number;
  /** Where what happens to snapshots is told ("started from the snapshot", "discarded it, since"); Nest's logger when absent. */
  report?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The snapshot options the configuration asks for (LEDGER_SNAPSHOT_DIR), if any. */
export function snapshotOptions(
  config: Pick<LedgerConfig, 'snapshotDir'>,
  log?: Record<'info' | 'warn' | 'error', (object: object, message: string) => void>,
): SnapshotOptions | undefined {
  // The data directory of a store that is not a file there (in memory, or on EventStoreDB) may not exist: no snapshots.
  if (!config.snapshotDir || !existsSync(config.snapshotDir)) return undefined;
  return {
    path: join(config.snapshotDir, SNAPSHOT_FILE),
    ...(log ? { report: (level, message) => log[level]({ context: 'ReadModel' }, message) } : {}),
  };
}

interface Current {
  model: LedgerReadModel;
  instants: InstantIndex;
  last?: StoredEvent;
}

export class ReadModelSnapshots {
  private readonly logger = new Logger('ReadModel');
  private readonly everyEvents: number;
  private readonly checkMs: number;
  /** Events covered by the newest snapshot on disk. */
  private coveredCount = 0;
  private ledger?: LedgerIdentity;
  private writing?: Promise<unknown>;
  private timer?: NodeJS.Timeout;
  /** The last write's figures, for the benchmark and tests. */
  lastWrite?: WriteFigures;

  constructor(
    private readonly store: EventStore,
    private readonly options: SnapshotOptions,
  ) {
    this.everyEvents = options.everyEvents ?? 100_000;
    this.checkMs = options.checkMs ?? 30_000;
  }

  private report(level: 'info' | 'warn' | 'error', message: string): void {
    if (this.options.report) this.options.report(level, message);
    else if (level === 'info') this.logger.log(message);
    else this.logger[level](message);
  }

  /** The snapshot to start from, or undefined (with the reason logged) to fold the log from scratch. */
  async load(): Promise<LoadedSnapshot | undefined> {
    const path = this.options.path;
    await removeUnfinished(path);
    const started = performance.now();
    try {
      const trailer = await readTrailer(path);
      const reason = await mismatch(trailer, this.store);
      if (reason) throw new SnapshotRejected(reason);
      const loaded = await readSnapshot(path, trailer);
      this.coveredCount = loaded.model.eventCount;
      this.ledger = trailer.ledger;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      this.report(
        'info',
        `started from the snapshot ${path} at position ${trailer.covers.position} (${trailer.eventCount} events, loaded in ${seconds} s); folding the events recorded since`,
      );
      return loaded;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.report('info', `no snapshot at ${path}: folding the log from the start`);
        return undefined;
      }
      const why =
        error instanceof SnapshotRejected ? error.message : `it could not be read: ${(error as Error).message}`;
      this.report('warn', `discarded the snapshot ${path}, since ${why}; folding the log from the start`);
      return undefined;
    }
  }

  /** Checks on a timer whether enough has been folded to write a snapshot. */
  every(current: () => Current): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      const now = current();
      if (now.model.eventCount - this.coveredCount >= this.everyEvents) void this.write(current);
    }, this.checkMs);
    this.timer.unref();
  }

  /** Stops the timer; writes a last snapshot if the model has folded anything since the last one. */
  async stop(model: LedgerReadModel, instants: InstantIndex, last: StoredEvent | undefined): Promise<void> {
    clearInterval(this.timer);
    // A write in flight that fails has logged why (see write): the stop goes on.
    await this.writing?.catch(() => undefined);
    if (model.eventCount > this.coveredCount) await this.write(() => ({ model, instants, last }));
  }

  /** Writes a snapshot of the model as it stands (once at a time); a failure is logged, never thrown. */
  async write(current: () => Current): Promise<WriteFigures | undefined> {
    if (this.writing) return undefined;
    const done = (async () => {
      this.ledger ??= await ledgerIdentity(this.store);
      // From here to writeSnapshot's first await, one turn of the event loop: the model cannot move.
      const { model, instants, last } = current();
      if (!this.ledger || !last || last.position !== model.position) return undefined;
      const eventCount = model.eventCount;
      const figures = await writeSnapshot(this.options.path, model, instants, this.ledger, {
        position: last.position.toString(),
        streamId: last.streamId,
        revision: last.revision.toString(),
        eventId: last.eventId,
        hash: storedHash(last),
      });
      this.coveredCount = eventCount;
      this.lastWrite = figures;
      this.report(
        'info',
        `wrote a snapshot at position ${last.position} (${eventCount} events, ${figures.bytes} bytes) in ${Math.round(figures.ms)} ms; the event loop was held at most ${Math.round(figures.longestChunkMs)} ms at a time`,
      );
      return figures;
    })();
    this.writing = done;
    try {
      return await done;
    } catch (error) {
      this.report('error', `could not write a snapshot to ${this.options.path}: ${(error as Error).message}`);
      return undefined;
    } finally {
      this.writing = undefined;
    }
  }
}
