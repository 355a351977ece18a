/**
 * Creates a SQLite file whole: `make` builds it under another name, which is
 * then linked into place, so `path` is never a half-made file. Two processes
 * creating it at once: one link wins, and both open the winner's file.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, rmSync } from 'node:fs';
import { StorageFailure } from '../storage-failure.js';
import { storageFailure } from './sqlite-failures.js';

export function createWhole(path: string, make: (draft: string) => void): void {
  const draft = `${path}.new-${randomUUID()}`;
  try {
    make(draft);
    linkSync(draft, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'ENOSPC')
      throw new StorageFailure(path, `the disk holding ${path} is full: free some space`, { full: true, atOpen: true });
    if (code?.startsWith('SQLITE_')) throw storageFailure(path, error, true);
    throw new StorageFailure(
      path,
      `${path} cannot be created (${code ?? (error as Error).message}): check that its directory exists and this user may write it`,
      { atOpen: true },
    );
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${draft}${suffix}`, { force: true });
  }
}
