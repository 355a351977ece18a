/**
 * Opens the configured store; EventStoreDB is reached once here, so an
 * unreachable server stops start-up. The embedded store's directory must be
 * one this user can write, and its file a sound ledger (or absent). Light to
 * import: the CLI and a failing start need no framework.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config.js';
import type { EventStore } from './event-store.js';
import { EventStoreUnreachableError } from './eventstoredb/unreachable.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export async function openStore(config: LedgerConfig): Promise<EventStore> {
  if (config.store === 'eventstoredb')
    return connectWithin(config.eventStoreConnectionString!, EVENTSTORE_CONNECT_TIMEOUT_MS);
  usableDataDir(config.dataDir);
  return new SqliteEventStore(join(config.dataDir, 'ledger.db'));
}

/** A server that accepts the connection but never answers must not hold start-up: it fails like one that refuses. */
const EVENTSTORE_CONNECT_TIMEOUT_MS = 15_000;

async function connectWithin(connectionString: string, ms: number): Promise<EventStore> {
  let timer: NodeJS.Timeout | undefined;
  // Loaded here only when the ledger lives in EventStoreDB: an embedded ledger never loads the client.
  const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.js');
  const connecting = EventStoreDbEventStore.connect(connectionString);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Closed if it answers after all: nothing may keep the failed process alive.
      void connecting.then(
        (store) => store.close(),
        () => undefined,
      );
      reject(new EventStoreUnreachableError(connectionString, new Error(`no answer within ${ms / 1000} s`)));
    }, ms);
  });
  try {
    return await Promise.race([connecting, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function usableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw dataDirError(dir, error);
  }
}

/** LEDGER_DATA_DIR named, with why the directory cannot hold the ledger and what to do. */
export function dataDirError(dir: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const why: Record<string, string> = {
    EACCES: 'this user may not write there',
    EPERM: 'this user may not write there',
    EROFS: 'it is on a read-only file system',
    ENOTDIR: 'it, or a part of its path, is a file rather than a directory',
    EEXIST: 'a file stands in the way of that directory',
    ENOSPC: 'the disk is full',
  };
  return new ConfigError(
    'LEDGER_DATA_DIR',
    `${dir} cannot hold the ledger: ${why[code] ?? code} (${code}); set LEDGER_DATA_DIR to a directory this user can write`,
  );
}
