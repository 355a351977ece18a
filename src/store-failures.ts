/**
 * The permanent storage failure (a damaged page, a foreign file) a request
 * met, kept per store: the read model notices damage only where it reads, so
 * a page damaged under a model that already folded it is found by a query, a
 * command or a feed. From then on /health says the ledger failed, as it does
 * when the read model itself stopped; retrying cannot mend the file.
 */
import { StorageFailure } from './event-store/storage-failure.js';

const met = new WeakMap<object, StorageFailure>();

/** Keeps the first permanent StorageFailure met on `store`; anything else is ignored. */
export function notePermanentFailure(store: object, error: unknown): void {
  if (error instanceof StorageFailure && error.permanent && !met.has(store)) met.set(store, error);
}

export function permanentFailureOf(store: object): StorageFailure | undefined {
  return met.get(store);
}
