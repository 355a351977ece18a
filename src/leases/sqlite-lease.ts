/**
 * Leases on the embedded store: one row per lease in the ledger's file, so
 * every process on that file sees it. Taking and renewing are one statement
 * each, under SQLite's write lock: the row changes only when it has expired
 * or is already the caller's, and the statement says whether it did.
 *
 * The table is made here, not by a schema migration: a regledger that knows
 * nothing of leases still opens the file.
 */
import Database from 'better-sqlite3';
import type { Database as Connection, Statement } from 'better-sqlite3';
import type { Lease, LeaseStore, WallClock } from './lease.js';

interface LeaseRow {
  name: string;
  holder: string;
  expires_at: number;
  fencing_token: number;
}

export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Connection;
  private readonly statements: Record<'acquire' | 'renew' | 'release' | 'current', Statement>;

  /** `path`: the ledger's file (`:memory:`: a lease only this process sees). */
  constructor(
    path: string,
    private readonly clock: WallClock = Date.now,
  ) {
    this.db = new Database(path, { fileMustExist: path !== ':memory:' });
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL, fencing_token INTEGER NOT NULL)',
    );
    this.statements = {
      // On conflict, SET reads the row as it was: the token grows only when the holder changes.
      acquire: this.db.prepare(
        `INSERT INTO leases (name, holder, expires_at, fencing_token) VALUES (@name, @holder, @expiresAt, 1)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, fencing_token = fencing_token + (holder <> excluded.holder)
         WHERE expires_at <= @now OR holder = excluded.holder
         RETURNING name, holder, expires_at, fencing_token`,
      ),
      renew: this.db.prepare(
        `UPDATE leases SET expires_at = @expiresAt WHERE name = @name AND holder = @holder AND fencing_token = @fencingToken
         RETURNING name, holder, expires_at, fencing_token`,
      ),
      release: this.db.prepare(
        'UPDATE leases SET expires_at = 0 WHERE name = @name AND holder = @holder AND fencing_token = @fencingToken',
      ),
      current: this.db.prepare('SELECT name, holder, expires_at, fencing_token FROM leases WHERE name = ?'),
    };
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = this.clock();
    return toLease(this.statements.acquire.get({ name, holder, now, expiresAt: now + ttlMs }) as LeaseRow | undefined);
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const row = this.statements.renew.get({
      name: lease.name,
      holder: lease.holder,
      fencingToken: lease.fencingToken,
      expiresAt: this.clock() + ttlMs,
    });
    return toLease(row as LeaseRow | undefined);
  }

  async release(lease: Lease): Promise<void> {
    this.statements.release.run({ name: lease.name, holder: lease.holder, fencingToken: lease.fencingToken });
  }

  async current(name: string): Promise<Lease | undefined> {
    return toLease(this.statements.current.get(name) as LeaseRow | undefined);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toLease(row: LeaseRow | undefined): Lease | undefined {
  return row && { name: row.name, holder: row.holder, expiresAt: row.expires_at, fencingToken: row.fencing_token };
}
