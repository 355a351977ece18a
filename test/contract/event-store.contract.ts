/**
 * The event store contract: written once, run against every adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type StoredEvent,
} from '../../src/event-store/event-store.js';

export interface ContractTarget {
  open(): Promise<EventStore>;
  /** Appends from outside this process (or this client) to the store `open` returned last. */
  appendFromOutside?(streamId: string, count: number): Promise<void>;
  cleanup?(): Promise<void>;
}

const event = (type = 'TestEvent', data: unknown = { n: 1 }): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actor: 'contract' },
});

async function take(
  store: EventStore,
  after: bigint | undefined,
  count: number,
  whileTaking?: () => Promise<void>,
): Promise<StoredEvent[]> {
  const subscription = store.subscribeToAll({ after });
  const seen: StoredEvent[] = [];
  const background = whileTaking?.();
  const deadline = setTimeout(() => void subscription.close(), 20_000);
  for await (const e of subscription) {
    seen.push(e);
    if (seen.length === count) break;
  }
  clearTimeout(deadline);
  await subscription.close();
  await background;
  return seen;
}

export function eventStoreContract(name: string, target: ContractTarget): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let stream: string;

    beforeEach(async () => {
      store = await target.open();
      stream = `measure-${randomUUID()}`;
    });

    afterEach(async () => {
      await store.close();
      await target.cleanup?.();
    });

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and fails once it exists', async () => {
        const first = await store.append(stream, [event()], 'no_stream');
        expect(first.nextExpectedRevision).toBe(0n);
        await expect(store.append(stream, [event()], 'no_stream')).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 0n,
        });
      });

      it('stream_exists fails on a new stream and succeeds once it exists', async () => {
        await expect(store.append(stream, [event()], 'stream_exists')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.append(stream, [event()], 'no_stream');
        const second = await store.append(stream, [event()], 'stream_exists');
        expect(second.nextExpectedRevision).toBe(1n);
      });

      it('an exact revision succeeds only when it is the current one', async () => {
        await store.append(stream, [event(), event()], 'no_stream');
        await expect(store.append(stream, [event()], 0n)).rejects.toMatchObject({ expected: 0n, actual: 1n });
        await expect(store.append(`${stream}-missing`, [event()], 0n)).rejects.toMatchObject({ actual: 'no_stream' });
        const next = await store.append(stream, [event()], 1n);
        expect(next.nextExpectedRevision).toBe(2n);
      });

      it('any always succeeds', async () => {
        await store.append(stream, [event()], 'any');
        const second = await store.append(stream, [event()], 'any');
        expect(second.nextExpectedRevision).toBe(1n);
      });

      it('a failed append writes nothing', async () => {
        await store.append(stream, [event()], 'no_stream');
        const head = await store.headPosition();
        await expect(store.append(stream, [event(), event()], 5n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    it('appends several events atomically, at consecutive revisions and increasing positions', async () => {
      const events = [event('A', { i: 0 }), event('B', { i: 1 }), event('C', { i: 2 })];
      const result = await store.append(stream, events, 'no_stream');
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.eventId, e.type, e.data, e.revision])).toEqual(
        events.map((e, i) => [e.eventId, e.type, e.data, BigInt(i)]),
      );
      expect(read[2]!.position).toBe(result.position);
      expect(read[0]!.position < read[1]!.position && read[1]!.position < read[2]!.position).toBe(true);
      expect(new Set(read.map((e) => e.recordedAt)).size).toBe(1);
      expect(read[0]!.metadata).toMatchObject({ actor: 'contract', recordedAt: read[0]!.recordedAt });
    });

    it('a retry with the same event ids at the same expected revision appends once', async () => {
      const events = [event(), event()];
      const first = await store.append(stream, events, 'no_stream');
      const retry = await store.append(stream, events, 'no_stream');
      expect(retry.written).toBe(false);
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(retry.position).toBe(first.position);
      expect(await store.readStream(stream)).toHaveLength(2);
      await store.append(stream, [event()], 1n);
      const late = await store.append(stream, events, 'no_stream');
      expect(late.written).toBe(false);
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('refuses event ids already stored in another stream, and writes nothing', async () => {
      const events = [event(), event()];
      await store.append(stream, events, 'no_stream');
      const head = await store.headPosition();
      await expect(store.append(`${stream}-other`, events, 'no_stream')).rejects.toMatchObject({
        name: 'DuplicateEventIdError',
        streamId: stream,
      });
      expect(await store.readStream(`${stream}-other`)).toEqual([]);
      expect(await store.headPosition()).toBe(head);
    });

    it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
      await store.append(
        stream,
        [0, 1, 2, 3, 4].map((i) => event('E', { i })),
        'no_stream',
      );
      const data = (events: StoredEvent[]) => events.map((e) => (e.data as { i: number }).i);
      expect(data(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4]);
      expect(data(await store.readStream(stream, { fromRevision: 2n, maxCount: 2 }))).toEqual([2, 3]);
      expect(data(await store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
      expect(data(await store.readStream(stream, { direction: 'backwards', fromRevision: 3n, maxCount: 2 }))).toEqual([
        3, 2,
      ]);
      expect(await store.readStream(`${stream}-missing`)).toEqual([]);
    });

    it('reads all from a position, exclusive, in strictly increasing position order', async () => {
      const start = await store.headPosition();
      await store.append(stream, [event('A'), event('B')], 'any');
      await store.append(`${stream}-other`, [event('C')], 'any');
      const all = await store.readAll({ after: start });
      expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      const positions = all.map((e) => e.position);
      positions.slice(1).forEach((p, i) => expect(p > positions[i]!).toBe(true));
      expect((await store.readAll({ after: positions[0]!, maxCount: 1 })).map((e) => e.type)).toEqual(['B']);
      expect((await store.readAll({ direction: 'backwards', maxCount: 2 })).map((e) => e.type)).toEqual(['C', 'B']);
      expect(await store.headPosition()).toBe(positions[2]);
    });

    it('a subscription catches up, then goes live', async () => {
      const start = await store.headPosition();
      await store.append(stream, [event('Old')], 'any');
      const subscription = store.subscribeToAll({ after: start });
      const iterator = subscription[Symbol.asyncIterator]();
      // 'Old' handed out: the catch-up is done, and what is appended next reaches the subscription live.
      const old = await iterator.next();
      await store.append(stream, [event('New1'), event('New2')], 'any');
      const live = [await iterator.next(), await iterator.next()];
      await subscription.close();
      expect([old, ...live].map((r) => (r.value as StoredEvent).type)).toEqual(['Old', 'New1', 'New2']);
    });

    it('a subscription without a start position sees only what comes after it', async () => {
      await store.append(stream, [event('Before')], 'any');
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      const next = iterator.next();
      // The subscription reads the head as it is made; a read of the head sent after it, on the same connection,
      // answers after it, so 'After' is appended once the subscription knows where it starts.
      await store.headPosition();
      await store.append(stream, [event('After')], 'any');
      expect((await next).value).toMatchObject({ type: 'After' });
      await subscription.close();
    });

    it('a subscription racing concurrent appends sees every event once, in order', async () => {
      const start = await store.headPosition();
      const writers = 4;
      const perWriter = 50;
      const seen = await take(store, start, writers * perWriter, async () => {
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) await store.append(`${stream}-${w}`, [event('Raced', { w, i })], 'any');
          }),
        );
      });
      expect(seen).toHaveLength(writers * perWriter);
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(writers * perWriter);
      seen.slice(1).forEach((e, i) => expect(e.position > seen[i]!.position).toBe(true));
      for (let w = 0; w < writers; w++) {
        expect(seen.filter((e) => (e.data as { w: number }).w === w).map((e) => (e.data as { i: number }).i)).toEqual(
          Array.from({ length: perWriter }, (_, i) => i),
        );
      }
    });

    if (target.appendFromOutside) {
      it('appends from another process reach a live subscriber', async () => {
        const start = await store.headPosition();
        const seen = await take(store, start, 5, () => target.appendFromOutside!(stream, 5));
        expect(seen.map((e) => e.streamId)).toEqual(Array(5).fill(stream));
        expect(seen.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
      });
    }
  });
}
