/**
 * A lease: the right, held by one instance at a time and for a bounded time,
 * to do work that must happen once per ledger rather than once per instance
 * (webhook delivery). Kept in the ledger's own store, so every instance on one
 * ledger sees the same lease. The holder renews it while alive; when it stops
 * renewing (it died, it lost the store), the lease expires and another
 * instance takes it over.
 *
 * The fencing token grows every time the lease passes to another holder, so
 * work tagged with an older token is known to come from a holder that lost it.
 * Expiry times are wall-clock milliseconds of the instance that wrote them:
 * instances on one ledger need clocks in step to well within a lease's length.
 */
export interface Lease {
  name: string;
  /** Who holds it: an id each instance makes at start. */
  holder: string;
  /** Wall-clock milliseconds after which it is free for the taking. */
  expiresAt: number;
  fencingToken: number;
}

export interface LeaseStore {
  /** Takes the lease if it is free, expired or already `holder`'s; undefined while another holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held; undefined when it has passed to another holder. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives it up now, so another instance need not wait for it to expire. */
  release(lease: Lease): Promise<void>;
  /** The lease as stored (expired or not); undefined when never taken. */
  current(name: string): Promise<Lease | undefined>;
  close(): Promise<void>;
}

/** The clock leases are measured with; tests pass their own. */
export type WallClock = () => number;
