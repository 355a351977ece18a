/**
 * SQLite's error codes, turned into what a person running the ledger can act
 * on: which file, what is wrong with it, what to do.
 */
import { StorageFailure } from '../storage-failure.js';

export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The failure a SQLite error stands for, or the error itself when it is not SQLite's. */
export function storageFailure(path: string, error: unknown, atOpen = false): unknown {
  if (error instanceof StorageFailure) return error;
  const code = sqliteCode(error);
  if (!code) return error;
  const said = (error as Error).message;
  const fail = (message: string, options: { full?: boolean; permanent?: boolean } = {}) =>
    new StorageFailure(path, message, { ...options, atOpen });
  if (code === 'SQLITE_FULL')
    return fail(`the disk holding ${path} is full (SQLite: ${said}); nothing was written: free some space`, {
      full: true,
    });
  if (code.startsWith('SQLITE_CORRUPT')) return fail(damaged(path, `SQLite: ${said}`), { permanent: true });
  if (code === 'SQLITE_NOTADB') return fail(notALedger(path, 'it is not a SQLite database'), { permanent: true });
  if (code.startsWith('SQLITE_READONLY'))
    return fail(`${path} cannot be written (SQLite: ${said}): give this user write access to it and its directory`);
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return fail(
      `${path} cannot be opened (SQLite: ${said}): check that its directory exists and this user may read and write both`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return fail(`${path} is locked by another process (SQLite: ${said}); try again`);
  if (code.startsWith('SQLITE_IOERR'))
    return fail(`reading or writing ${path} failed (SQLite ${code}: ${said}): check the disk`);
  return fail(`${path}: SQLite ${code}: ${said}`);
}

export function damaged(path: string, why: string): string {
  return `${path} is damaged (${why}): restore it from a backup; regledger will not use it as it is`;
}

export function notALedger(path: string, why: string): string {
  return `${path} is not a regledger ledger (${why}): restore the ledger from a backup, or set LEDGER_DATA_DIR to the directory that holds it`;
}

/** Runs `work`, turning SQLite's errors into storage failures that name the file. */
export function onStorage<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw storageFailure(path, error);
  }
}
