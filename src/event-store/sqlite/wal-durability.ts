/**
 * Durable commits that do not hold the event loop. better-sqlite3 runs on the
 * loop's thread, so with synchronous=FULL every commit waits there for its
 * fsync (a few ms on a quiet disk, over 100 ms on a busy one), and every
 * checkpoint for two more. Instead the store commits with synchronous=NORMAL
 * (SQLite writes the WAL without syncing it) and then:
 *
 * - syncs the WAL file in libuv's thread pool (`WalSync`) before an append is
 *   acknowledged, or a reader shown what was committed: fdatasync covers every
 *   frame written to the file, by any connection, before it began. So what is
 *   acknowledged or read is on disk exactly as with synchronous=FULL;
 * - checkpoints on a connection of its own in a worker thread (`Checkpointer`),
 *   the main connection's automatic checkpoints turned off.
 *
 * The WAL file exists while any connection to the ledger is open, and SQLite
 * writes it in place (a reset rewrites it from the start), so one handle on it
 * stays the file's for as long as the store is open.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Syncs the WAL file; calls made while a sync runs share the next one. */
export class WalSync {
  private handle?: Promise<FileHandle>;
  private running?: Promise<void>;
  private queued?: Promise<void>;

  /** `syncFile` replaces the fdatasync of the file itself (tests hold it). */
  constructor(
    private readonly walPath: string,
    private readonly syncFile?: () => Promise<void>,
  ) {}

  /** Resolves once a sync that began after this call has finished: what was written before the call is on disk. */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    // The sync under way may have begun before what the caller wrote: the next one covers it.
    return (this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.sync();
      }));
  }

  private start(): Promise<void> {
    const run = (async () => {
      if (this.syncFile) return this.syncFile();
      let handle: FileHandle;
      try {
        handle = await (this.handle ??= open(this.walPath, 'r'));
      } catch (error) {
        this.handle = undefined;
        // No WAL file yet: nothing was ever written through it.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      await handle.datasync();
    })();
    this.running = run.finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    const handle = await this.handle?.catch(() => undefined);
    this.handle = undefined;
    await handle?.close();
  }
}

// The worker is plain CommonJS given as text, so it runs the same from the sources (under jest) and from the build.
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
parentPort.on('message', () => {
  try {
    if (!db) {
      db = new Database(workerData.path, { fileMustExist: true });
      db.pragma('busy_timeout = 1000');
    }
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) });
  }
});
`;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * Copies the WAL into the database file from a worker thread, at most one
 * checkpoint at a time. A checkpoint that fails (a reader holding old pages,
 * a full disk) leaves the WAL to grow until the next one succeeds.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private waiting: ((result: CheckpointResult | Error) => void)[] = [];
  private running = false;
  private closed = false;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { path, driver } });
    this.worker.unref();
    this.worker.on('message', (message: { ok: boolean; message?: string } & CheckpointResult) => {
      const settle = this.waiting;
      this.waiting = [];
      this.running = false;
      const result = message.ok ? { log: message.log, checkpointed: message.checkpointed } : new Error(message.message);
      for (const done of settle) done(result);
    });
    this.worker.on('error', (error) => {
      this.closed = true;
      for (const done of this.waiting.splice(0)) done(error);
    });
  }

  /** Checkpoints now (or joins the checkpoint under way); resolves with what it did. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.closed) return Promise.reject(new Error('the checkpoint worker has stopped'));
    return new Promise((resolve, reject) => {
      this.waiting.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
      if (this.running) return;
      this.running = true;
      this.worker.postMessage('checkpoint');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}
