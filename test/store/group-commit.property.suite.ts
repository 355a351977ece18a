/**
 * Group commit must be invisible to each writer: appends sent together, with
 * conflicts and retries mixed in, get exactly the outcomes (and leave exactly
 * the log) that the same appends made one at a time, in the same order, would.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import '../support/fast-check-seed.js';
import type { AppendResult, EventStore, ExpectedRevision } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

describe('store/group-commit.property', () => {
  interface Op {
    stream: string;
    /** Ids are `id-<n>`: small numbers repeat, giving idempotent retries and ids already stored elsewhere. */
    ids: number[];
    expected: ExpectedRevision;
    /** Let the loop turn before sending this one: a new group starts. */
    pause: boolean;
  }

  const op: fc.Arbitrary<Op> = fc.record({
    stream: fc.constantFrom('a', 'b', 'c'),
    ids: fc.oneof(fc.tuple(fc.nat(40)), fc.tuple(fc.nat(40), fc.nat(40))).map((t) => [...t]),
    expected: fc.oneof(fc.constantFrom<ExpectedRevision>('any', 'no_stream', 'stream_exists'), fc.bigInt(0n, 4n)),
    pause: fc.nat(9).map((n) => n < 3),
  });

  /** The store's contract for one append at a time, in memory: the oracle. */
  class OneAtATime {
    private readonly events: { id: string; stream: string; revision: bigint; position: bigint }[] = [];

    append(o: Op): Outcome {
      const ids = o.ids.map((n) => `id-${n}`);
      const inStream = this.events.filter((e) => e.stream === o.stream);
      const current = inStream.length ? inStream[inStream.length - 1]!.revision : ('no_stream' as const);
      const conflict = {
        error: `WrongExpectedRevisionError: stream ${o.stream}: expected revision ${String(o.expected)}, but it is at ${String(current)}`,
      };
      const found = ids.map((id) => this.events.find((e) => e.id === id)).filter((e) => e !== undefined);
      if (found.length) {
        const elsewhere = found.find((e) => e.stream !== o.stream);
        if (elsewhere)
          return {
            error: `DuplicateEventIdError: event id ${elsewhere.id} is already stored in stream ${elsewhere.stream}`,
          };
        const contiguous =
          found.length === ids.length && found.every((e, i) => e.revision === found[0]!.revision + BigInt(i));
        const before = found[0]!.revision - 1n;
        const same =
          o.expected === 'any' ||
          o.expected === 'stream_exists' ||
          (o.expected === 'no_stream' ? before === -1n : o.expected === before);
        if (!contiguous || !same) return conflict;
        const last = found[found.length - 1]!;
        return { ok: { written: false, nextExpectedRevision: last.revision, position: last.position, ids } };
      }
      const matches =
        o.expected === 'any' ||
        (o.expected === 'no_stream'
          ? current === 'no_stream'
          : o.expected === 'stream_exists'
            ? current !== 'no_stream'
            : o.expected === current);
      if (!matches) return conflict;
      // The same id twice in one append breaks the unique index: the append fails whole.
      if (new Set(ids).size < ids.length) return { error: 'StorageFailure' };
      let revision = current === 'no_stream' ? -1n : current;
      for (const id of ids)
        this.events.push({ id, stream: o.stream, revision: ++revision, position: BigInt(this.events.length + 1) });
      return { ok: { written: true, nextExpectedRevision: revision, position: BigInt(this.events.length), ids } };
    }

    log() {
      return this.events.map((e) => [e.position, e.stream, e.revision, e.id]);
    }
  }

  type Outcome =
    { ok: Pick<AppendResult, 'written' | 'nextExpectedRevision' | 'position'> & { ids: string[] } } | { error: string };

  function send(store: EventStore, o: Op): Promise<Outcome> {
    const events = o.ids.map((n) => ({ eventId: `id-${n}`, type: 'T', data: { n }, metadata: { n } }));
    return store.append(o.stream, events, o.expected).then(
      (r) => ({
        ok: {
          written: r.written,
          nextExpectedRevision: r.nextExpectedRevision,
          position: r.position,
          ids: r.events.map((e) => e.eventId),
        },
      }),
      (e: Error) => ({ error: e.name === 'StorageFailure' ? e.name : `${e.name}: ${e.message}` }),
    );
  }

  async function log(store: EventStore) {
    return (await store.readAll()).map((e) => [e.position, e.streamId, e.revision, e.eventId]);
  }

  describe('group commit', () => {
    it('gives every append of a group the outcome it would have alone, in commit order, with conflicts and duplicates mixed in', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
          const reference = new OneAtATime();
          const expected = ops.map((o) => reference.append(o));

          const grouped = new SqliteEventStore(':memory:');
          const pending: Promise<Outcome>[] = [];
          for (const o of ops) {
            if (o.pause) await new Promise((resolve) => setImmediate(resolve));
            pending.push(send(grouped, o));
          }
          expect(await Promise.all(pending)).toEqual(expected);
          expect(await log(grouped)).toEqual(reference.log());
          await grouped.close();
        }),
        { numRuns: 150 },
      );
    });

    it('commits the appends of one turn in one transaction, and still answers a lone writer without waiting for company', async () => {
      const store = new SqliteEventStore(':memory:');
      const before = await store.headPosition();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.append(`s${i % 5}`, [{ eventId: `g-${i}`, type: 'T', data: {}, metadata: {} }], 'any'),
        ),
      );
      // One transaction: every event of the group carries the one record time read under the lock.
      expect(new Set(results.map((r) => r.events[0]!.recordedAt)).size).toBe(1);
      expect(results.map((r) => r.position)).toEqual(results.map((_, i) => before + BigInt(i + 1)));
      const alone = await store.append('s0', [{ eventId: 'lone', type: 'T', data: {}, metadata: {} }], 'any');
      expect(alone.written).toBe(true);
      await store.close();
    });
  });
});
