/**
 * Opening the subscribers file (`ledger.subscribers.db`: webhooks and consumer
 * checkpoints) with the ledger file's care (event-store/sqlite/open-ledger-file.ts):
 * a missing file is created whole under another name and linked into place; a
 * file that exists is used only once it reads as an undamaged subscribers
 * file. An empty, truncated, foreign or damaged file, or a directory, stops
 * start-up with a message naming it: nothing is started over it, since
 * starting over would silently drop every webhook and checkpoint.
 */
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createWhole } from '../event-store/sqlite/create-whole.js';
import { damaged, storageFailure } from '../event-store/sqlite/sqlite-failures.js';
import { StorageFailure } from '../event-store/storage-failure.js';

const SQLITE_HEADER = 'SQLite format 3\0';

export const SUBSCRIBERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_endpoints (id TEXT PRIMARY KEY, created_seq INTEGER NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_attempts (seq INTEGER PRIMARY KEY AUTOINCREMENT, endpoint_id TEXT NOT NULL, attempt TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, seq);
CREATE TABLE IF NOT EXISTS consumers (name TEXT PRIMARY KEY, position TEXT NOT NULL, acknowledged_at TEXT NOT NULL);
`;
const OWN_TABLES = ['webhook_endpoints', 'webhook_attempts', 'consumers'];

export function openSubscribersFile(path: string): Connection {
  if (path === ':memory:') {
    const db = connect(path, false);
    db.exec(SUBSCRIBERS_SCHEMA);
    return db;
  }
  if (!existsSync(path)) createFile(path);
  checkBeforeOpening(path);
  let db: Connection | undefined;
  try {
    db = connect(path, true);
    verify(db, path);
    db.exec(SUBSCRIBERS_SCHEMA);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    const failure = storageFailure(path, error, true);
    if (failure instanceof StorageFailure && (error as { code?: string }).code === 'SQLITE_NOTADB')
      throw refuse(path, notASubscribersFile(path, 'it is not a SQLite database'));
    throw failure;
  }
}

function connect(path: string, fileMustExist: boolean): Connection {
  const db = new Database(path, { fileMustExist });
  db.pragma('busy_timeout = 10000');
  if (path !== ':memory:') {
    db.pragma('journal_mode = WAL');
    // Unlike the ledger's, a cursor update lost to a power cut costs only a message sent again (at-least-once).
    db.pragma('synchronous = NORMAL');
  }
  return db;
}

function createFile(path: string): void {
  createWhole(path, (draft) => {
    const db = connect(draft, false);
    try {
      db.exec(SUBSCRIBERS_SCHEMA);
    } finally {
      db.close();
    }
  });
}

function refuse(path: string, message: string): StorageFailure {
  return new StorageFailure(path, message, { permanent: true, atOpen: true });
}

function notASubscribersFile(path: string, why: string): string {
  return `${path} is not a regledger subscribers file (${why}): restore it from a backup, or move it away to start with no webhooks and no consumer checkpoints`;
}

function checkBeforeOpening(path: string): void {
  const stat = statSync(path);
  if (!stat.isFile()) throw refuse(path, notASubscribersFile(path, 'it is not a regular file'));
  if (stat.size === 0)
    throw refuse(
      path,
      `${path} is empty (0 bytes), so its webhooks and consumer checkpoints are gone, and regledger never starts over a file that exists: ` +
        'restore it from a backup, or delete it to start with no webhooks and no consumer checkpoints',
    );
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_HEADER)
    throw refuse(path, notASubscribersFile(path, 'it does not start with the SQLite header'));
}

function verify(db: Connection, path: string): void {
  const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((row) => row.quick_check);
  if (problems.join() !== 'ok') throw refuse(path, damaged(path, `SQLite's quick_check: ${problems.join('; ')}`));
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
    .map((row) => row.name)
    .filter((name) => !name.startsWith('sqlite_'));
  // Another program's database (the ledger's own file given by mistake): never written into.
  if (tables.length && !tables.some((name) => OWN_TABLES.includes(name)))
    throw refuse(path, notASubscribersFile(path, `its tables are ${tables.join(', ')}`));
}
