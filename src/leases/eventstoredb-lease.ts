/**
 * Leases on EventStoreDB: a stream per lease (`regledger-lease-<name>`, outside
 * the ledger's `measure-` prefix, capped by `$maxCount`) whose newest event
 * says who holds it and until when. Every change is appended with the
 * revision just read as the expected one, so of two instances racing for it,
 * one append wins and the other is refused.
 */
import {
  BACKWARDS,
  END,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { Lease, LeaseStore, WallClock } from './lease.js';

const leaseStream = (name: string) => `regledger-lease-${name}`;
/** Only the newest event is read; a few more are kept to see recent hand-overs. */
const EVENTS_KEPT = 10;

interface Stored {
  lease: Lease;
  revision: bigint;
}

export class EventStoreDbLeaseStore implements LeaseStore {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly clock: WallClock = Date.now,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = this.clock();
    const stored = await this.newest(name);
    if (stored && stored.lease.holder !== holder && stored.lease.expiresAt > now) return undefined;
    const fencingToken = !stored
      ? 1
      : stored.lease.holder === holder
        ? stored.lease.fencingToken
        : stored.lease.fencingToken + 1;
    if (!stored) await this.client.setStreamMetadata(leaseStream(name), { maxCount: EVENTS_KEPT });
    return this.write({ name, holder, expiresAt: now + ttlMs, fencingToken }, stored);
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    const stored = await this.newest(lease.name);
    if (!stored || !sameHolding(stored.lease, lease)) return undefined;
    return this.write({ ...lease, expiresAt: this.clock() + ttlMs }, stored);
  }

  async release(lease: Lease): Promise<void> {
    const stored = await this.newest(lease.name);
    if (stored && sameHolding(stored.lease, lease)) await this.write({ ...lease, expiresAt: 0 }, stored);
  }

  async current(name: string): Promise<Lease | undefined> {
    return (await this.newest(name))?.lease;
  }

  /** The client belongs to the event store, which closes it. */
  async close(): Promise<void> {}

  /** Appends the lease's new state if the stream is still as read; undefined when another append came first. */
  private async write(lease: Lease, read: Stored | undefined): Promise<Lease | undefined> {
    try {
      await this.client.appendToStream(leaseStream(lease.name), jsonEvent({ type: 'LeaseHeld', data: { ...lease } }), {
        expectedRevision: read ? read.revision : 'no_stream',
      });
      return lease;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  private async newest(name: string): Promise<Stored | undefined> {
    let found: Stored | undefined;
    try {
      // Read to its end (one event) rather than left early: a read abandoned midway is cancelled, and waits on the server.
      for await (const resolved of this.client.readStream(leaseStream(name), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        const event = resolved.event;
        if (event?.type === 'LeaseHeld') found = { lease: event.data as unknown as Lease, revision: event.revision };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return found;
  }
}

function sameHolding(a: Lease, b: Lease): boolean {
  return a.holder === b.holder && a.fencingToken === b.fencingToken;
}
