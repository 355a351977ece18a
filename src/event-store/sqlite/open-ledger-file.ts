/**
 * Opening the embedded store's file. A file that does not exist is created
 * whole (schema included) under another name and linked into place, so
 * `ledger.db` is never a half-made ledger. A file that exists is opened only
 * once it reads as an undamaged regledger ledger: an empty, truncated,
 * foreign or damaged file stops start-up, naming the file; nothing is ever
 * started over it.
 */
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StorageFailure } from '../storage-failure.js';
import { createWhole } from './create-whole.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { damaged, notALedger, storageFailure } from './sqlite-failures.js';

const SQLITE_HEADER = 'SQLite format 3\0';
const EVENT_COLUMNS = ['position', 'event_id', 'stream_id', 'revision', 'type', 'data', 'metadata', 'recorded_at'];

export function openLedgerFile(path: string, busyTimeoutMs: number): Connection {
  if (path === ':memory:') {
    const db = connect(path, busyTimeoutMs, false);
    migrate(db, path);
    return db;
  }
  // Two processes starting on a new ledger at once: one link wins, both open the winner's file.
  if (!existsSync(path)) createLedgerFile(path, busyTimeoutMs);
  checkBeforeOpening(path);
  let db: Connection | undefined;
  try {
    db = connect(path, busyTimeoutMs, true);
    verify(db, path);
    migrate(db, path);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    throw storageFailure(path, error, true);
  }
}

function connect(path: string, busyTimeoutMs: number, fileMustExist: boolean): Connection {
  const db = new Database(path, { fileMustExist });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

function createLedgerFile(path: string, busyTimeoutMs: number): void {
  createWhole(path, (draft) => {
    const db = connect(draft, busyTimeoutMs, false);
    try {
      migrate(db, path);
    } finally {
      db.close();
    }
  });
}

/** What can be told from the file itself, before SQLite reads it. */
function checkBeforeOpening(path: string): void {
  const refuse = (message: string) => new StorageFailure(path, message, { permanent: true, atOpen: true });
  const stat = statSync(path);
  if (!stat.isFile()) throw refuse(notALedger(path, 'it is not a regular file'));
  if (stat.size === 0) {
    throw refuse(
      `${path} is empty (0 bytes), so it holds no ledger, and regledger never starts a new ledger over a file that exists: ` +
        'restore it from a backup, or delete it to start an empty ledger',
    );
  }
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER)
    throw refuse(notALedger(path, 'it does not start with the SQLite header'));
}

/** SQLite's quick check of every page, then the schema this code reads. */
function verify(db: Connection, path: string): void {
  const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((row) => row.quick_check);
  if (problems.join() !== 'ok')
    throw new StorageFailure(path, damaged(path, `SQLite's quick_check: ${problems.join('; ')}`), {
      permanent: true,
      atOpen: true,
    });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (row) => row.name,
  );
  if (!tables.includes('events') || !tables.includes('schema_migrations')) {
    const held = tables.length ? `its tables are ${tables.join(', ')}` : 'it has no tables';
    throw new StorageFailure(path, notALedger(path, held), { permanent: true, atOpen: true });
  }
  const columns = (db.pragma('table_info(events)') as { name: string }[]).map((row) => row.name);
  const missing = EVENT_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length)
    throw new StorageFailure(path, notALedger(path, `its events table lacks ${missing.join(', ')}`), {
      permanent: true,
      atOpen: true,
    });
}

function migrate(db: Connection, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  db.transaction(() => {
    const { version } = db.prepare('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations').get() as {
      version: number;
    };
    if (version > SCHEMA_VERSION) {
      const message = `${path} was written by a newer regledger (its schema version ${version} is newer than this one's, ${SCHEMA_VERSION}): upgrade regledger`;
      throw new StorageFailure(path, message, { permanent: true, atOpen: true });
    }
    for (const migration of MIGRATIONS.filter((m) => m.version > version)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        migration.version,
        new Date().toISOString(),
      );
    }
  }).immediate();
}
