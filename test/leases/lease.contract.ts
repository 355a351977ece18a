/**
 * What every lease store promises, run against each adapter: one holder at a
 * time, taken over only after expiry or release, a fencing token that grows
 * with every new holder, and of instances racing for a free lease, one wins.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { LeaseStore, WallClock } from '../../src/leases/lease.js';

export interface LeaseStoreFixture {
  /** Several stores on one ledger (as several instances would open it), all reading the clock given. */
  open(count: number, clock: WallClock): Promise<LeaseStore[]>;
  close(): Promise<void>;
}

export function leaseStoreContract(name: string, fixture: () => LeaseStoreFixture): void {
  describe(`lease store contract: ${name}`, () => {
    let current: LeaseStoreFixture | undefined;
    let now = 1_000_000;
    const clock = () => now;
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const open = async (count: number) => {
      now = 1_000_000;
      current = fixture();
      return current.open(count, clock);
    };

    it('gives a free lease to the first who asks, and to nobody else until it expires', async () => {
      const [a, b] = await open(2);
      const held = await a!.acquire('deliveries', 'instance-a', 5000);
      expect(held).toEqual({ name: 'deliveries', holder: 'instance-a', expiresAt: now + 5000, fencingToken: 1 });
      expect(await b!.acquire('deliveries', 'instance-b', 5000)).toBeUndefined();
      now += 4999;
      expect(await b!.acquire('deliveries', 'instance-b', 5000)).toBeUndefined();
      expect(await b!.current('deliveries')).toEqual(held);
      // The holder asking again keeps its token.
      expect(await a!.acquire('deliveries', 'instance-a', 5000)).toMatchObject({
        holder: 'instance-a',
        fencingToken: 1,
        expiresAt: now + 5000,
      });
      // Another lease is another row or stream.
      expect(await b!.acquire('other-work', 'instance-b', 5000)).toMatchObject({
        holder: 'instance-b',
        fencingToken: 1,
      });
    });

    it('passes an expired lease to another holder with a greater fencing token; the old holder can no longer renew it', async () => {
      const [a, b] = await open(2);
      const first = (await a!.acquire('deliveries', 'instance-a', 1000))!;
      now += 1000;
      const second = await b!.acquire('deliveries', 'instance-b', 1000);
      expect(second).toMatchObject({ holder: 'instance-b', fencingToken: 2 });
      expect(await a!.renew(first, 1000)).toBeUndefined();
      // A release by the old holder leaves the new one's lease alone.
      await a!.release(first);
      expect(await a!.current('deliveries')).toEqual(second);
      expect(await a!.acquire('deliveries', 'instance-a', 1000)).toBeUndefined();
    });

    it('renews a lease still held, and a released one is free at once', async () => {
      const [a, b] = await open(2);
      const first = (await a!.acquire('deliveries', 'instance-a', 1000))!;
      now += 800;
      const renewed = await a!.renew(first, 1000);
      expect(renewed).toEqual({ ...first, expiresAt: now + 1000 });
      now += 800;
      expect(await b!.acquire('deliveries', 'instance-b', 1000)).toBeUndefined();
      await a!.release(renewed!);
      expect(await b!.acquire('deliveries', 'instance-b', 1000)).toMatchObject({
        holder: 'instance-b',
        fencingToken: 2,
      });
    });

    it('of several instances racing for a free lease, exactly one gets it', async () => {
      const stores = await open(3);
      for (let round = 0; round < 5; round++) {
        const outcomes = await Promise.all(
          stores.flatMap((store, i) => [
            store.acquire('race', `round-${round}-instance-${i}-a`, 1000),
            store.acquire('race', `round-${round}-instance-${i}-b`, 1000),
          ]),
        );
        const winners = outcomes.filter((lease) => lease !== undefined);
        expect(winners).toHaveLength(1);
        expect(await stores[0]!.current('race')).toEqual(winners[0]);
        expect(winners[0]!.fencingToken).toBe(round + 1);
        now += 1000;
      }
    });
  });
}
