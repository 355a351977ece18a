/**
 * Group commit for the embedded store. better-sqlite3 is synchronous, so a
 * commit holds the event loop for its fsync; what arrives meanwhile waits in
 * the loop. Work queued during one turn of the loop is run in one
 * BEGIN IMMEDIATE transaction at the next check phase (setImmediate: no timer,
 * so a lone writer waits for nothing), each item under its own savepoint, and
 * every item is settled only once the commit is durable. One sync serves the
 * whole group; an item that throws is rolled back alone and fails alone.
 * Given `durable` (wal-durability.ts), the commit itself does not sync: the
 * items wait for `durable()`, and the next group commits meanwhile.
 *
 * Other processes still serialise on SQLite's write lock: BEGIN IMMEDIATE
 * waits for it, and all reads inside an item see the latest committed state.
 */
import type { Database as Connection } from 'better-sqlite3';
import { storageFailure } from './sqlite-failures.js';

interface Pending {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Groups committed and waiting to be durable: a close waits for them. */
  private readonly settling = new Set<Promise<void>>();
  /** A nested better-sqlite3 transaction is a savepoint: a throw undoes this item only. Made once, not per item. */
  private readonly underSavepoint: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Connection,
    private readonly path: string,
    /** Called inside each group's transaction before its first item. */
    private readonly beforeGroup: () => void,
    /** Called after a group committed (and is durable), before its items are settled. */
    private readonly afterCommit: () => void,
    /** Makes what was committed durable, when the commit does not. */
    private readonly durable?: () => Promise<void>,
  ) {
    this.underSavepoint = db.transaction((work: () => unknown) => work());
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits whatever is queued now: the next check phase, or a close, whichever comes first. */
  flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (!group.length) return;
    const settled: { ok: boolean; value: unknown }[] = [];
    try {
      this.db
        .transaction(() => {
          this.beforeGroup();
          for (const item of group) {
            let failed: { error: unknown } | undefined;
            try {
              const work = () => {
                try {
                  return item.work();
                } catch (error) {
                  failed = { error };
                  throw error;
                }
              };
              settled.push({ ok: true, value: this.underSavepoint(work) });
            } catch (error) {
              // Once SQLite has ended the transaction (a full disk), undoing the savepoint fails too ("no such
              // savepoint"): the work's own error is the one to report.
              const cause = failed ? failed.error : error;
              // Some failures (full disk, I/O) end the whole transaction: then nothing of the group stands.
              if (!this.db.inTransaction) throw cause;
              settled.push({ ok: false, value: storageFailure(this.path, cause) });
            }
          }
        })
        .immediate();
    } catch (error) {
      const failure = storageFailure(this.path, error);
      for (const item of group) item.reject(failure);
      return;
    }
    const settle = () => {
      this.afterCommit();
      group.forEach((item, i) => (settled[i]!.ok ? item.resolve(settled[i]!.value) : item.reject(settled[i]!.value)));
    };
    if (!this.durable) return settle();
    const done = this.durable().then(settle, (error: unknown) => {
      for (const item of group) item.reject(error);
    });
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
  }

  /** Commits whatever is queued, and waits until every group committed is settled. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.settling);
  }
}
