/**
 * One store subscription per instance, fanned out: live feed connections
 * read the events the read model just folded from its buffer, so the store
 * work per append does not grow with the number of connections, and a
 * connection further behind than the buffer still gets everything from the
 * store, in order, once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ChangeFeedService } from '../../src/changes/change-feed.service.js';
import { systemClock } from '../../src/clock.js';
import { RecentEvents } from '../../src/queries/recent-events.js';
import type { EventToAppend, ReadAllOptions, StoredEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { WriteWatermark } from '../../src/write-watermark.js';
import { imposition } from '../support/stored-events.js';
import { ReadModelService } from '../../src/queries/read-model.service.js';

describe('changes/fan-out', () => {
  /** A store that counts its readAll calls. */
  class CountingStore extends SqliteEventStore {
    reads = 0;
    override readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
      this.reads++;
      return super.readAll(options);
    }
  }

  const added = (i: number): EventToAppend => ({
    eventId: randomUUID(),
    type: 'SubjectsAdded',
    data: { measureId: 'm', subjects: [`s${i}`], effectiveFrom: '2019-01-01T00:00:00.000Z' },
    metadata: {},
  });
  const imposed = imposition('m', ['s0'], { effectiveFrom: '2019-01-01T00:00:00.000Z' });

  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function feedOn(store: CountingStore) {
    const readModel = new ReadModelService(store, new WriteWatermark());
    await readModel.start();
    const feeds = new ChangeFeedService(store, readModel, systemClock);
    const aborts: AbortController[] = [];
    stop = async () => {
      for (const a of aborts) a.abort();
      await readModel.stop();
      await store.close();
    };
    /** A client from `after`, collecting positions until it has `count`. */
    const client = (after: bigint, count: number) => {
      const abort = new AbortController();
      aborts.push(abort);
      return (async () => {
        const seen: bigint[] = [];
        for await (const change of feeds.ledgerChanges({ after, signal: abort.signal })) {
          seen.push(change.position);
          if (seen.length === count) break;
        }
        return seen;
      })();
    };
    return { readModel, client };
  }

  describe('feeds fanned out from one subscription', () => {
    it('serves 50 live connections 30 appends with no store read per connection per append', async () => {
      const store = new CountingStore(':memory:');
      await store.append('measure-m', [imposed], 'no_stream');
      const { readModel, client } = await feedOn(store);
      await readModel.reach(await store.headPosition());
      const head = await store.headPosition();
      const clients = Array.from({ length: 50 }, () => client(head, 30));
      // Every client has reached the live end and waits for the model before the appends start.
      while (readModel.waiting < 50) await new Promise(setImmediate);
      const readsBefore = store.reads;
      let revision = 0n;
      for (let i = 1; i <= 30; i++)
        revision = (await store.append('measure-m', [added(i)], revision)).nextExpectedRevision;
      const received = await Promise.all(clients);
      const log = (await store.readAll({ after: head })).map((e) => e.position);
      for (const seen of received) expect(seen).toEqual(log);
      // 50 connections × 30 appends would be 1,500 reads; the read model's own subscription needs a few.
      expect(store.reads - readsBefore).toBeLessThan(100);
    });

    it('reads the store for a connection behind the buffer, and hands it every event once, in order', async () => {
      const store = new CountingStore(':memory:');
      await store.append('measure-m', [imposed], 'no_stream');
      let revision = 0n;
      for (let i = 1; i <= 50; i++)
        revision = (await store.append('measure-m', [added(i)], revision)).nextExpectedRevision;
      const { readModel, client } = await feedOn(store);
      await readModel.reach(await store.headPosition());
      // A rebuilt model holds nothing recent: every client from the start reads the store.
      await readModel.rebuild();
      const readsBefore = store.reads;
      const fromStart = await client(0n, 51);
      expect(fromStart).toEqual((await store.readAll()).map((e) => e.position));
      expect(store.reads).toBeGreaterThan(readsBefore);
    });
  });

  describe('the buffer of recent events', () => {
    const event = (position: number) => ({ position: BigInt(position) }) as StoredEvent;

    it('answers only for positions it covers, and pages within them', () => {
      const recent = new RecentEvents(10n);
      expect(recent.after(10n, 5)).toEqual([]);
      expect(recent.after(9n, 5)).toBeUndefined();
      for (let p = 11; p <= 20; p++) recent.push(event(p));
      expect(recent.after(10n, 3)!.map((e) => Number(e.position))).toEqual([11, 12, 13]);
      expect(recent.after(15n, 100)!.map((e) => Number(e.position))).toEqual([16, 17, 18, 19, 20]);
      expect(recent.after(20n, 100)).toEqual([]);
      // Positions with gaps (EventStoreDB's commit positions): a position between two events.
      const gaps = new RecentEvents(0n);
      for (const p of [100, 250, 400]) gaps.push(event(p));
      expect(gaps.after(260n, 10)!.map((e) => Number(e.position))).toEqual([400]);
    });

    it('forgets the oldest once full, and says so for positions before what it holds', () => {
      const recent = new RecentEvents(0n);
      for (let p = 1; p <= 9000; p++) recent.push(event(p));
      expect(recent.after(0n, 1)).toBeUndefined();
      const oldest = [...Array(9000).keys()].map((i) => i + 1).find((p) => recent.after(BigInt(p), 1) !== undefined)!;
      expect(recent.after(BigInt(oldest), 1)![0]!.position).toBe(BigInt(oldest + 1));
      expect(recent.after(BigInt(oldest - 1), 1)).toBeUndefined();
      expect(recent.after(8999n, 10)!.map((e) => Number(e.position))).toEqual([9000]);
    });
  });
});
