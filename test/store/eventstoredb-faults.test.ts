/**
 * The EventStoreDB adapter under the faults a cluster produces, played by the
 * wire-level test server: a node restarted under a live subscription, and a
 * write sent to a node that is no longer the leader.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventToAppend, StoredEvent } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EventStoreDbSubscription } from '../../src/event-store/eventstoredb/eventstoredb-subscription.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';

const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'Counted', data: { i }, metadata: {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a node restarted while a subscription is live and appends continue', () => {
  it.each([false, true])(
    'the subscription resumes from its last position: every event once, in order (BatchAppend: %s)',
    async (batchAppend) => {
      const server = await new EventStoreWireServer({ batchAppend, systemEventEvery: 7 }).start();
      const reader = await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 20 });
      const writer = await EventStoreDbEventStore.connect(server.connectionString, {
        retryDelayMs: 20,
        writeAttempts: 2,
      });
      const subscription = reader.subscribeToAll({ after: 0n }) as EventStoreDbSubscription;
      try {
        const total = 300;
        const seen: StoredEvent[] = [];
        const reading = (async () => {
          for await (const e of subscription) if (seen.push(e) === total) break;
        })();
        let failedWrites = 0;
        const writing = (async () => {
          for (let i = 0; i < total; i++) {
            const events = [event(i)];
            // A write that fails while the node is down is sent again as it was: same ids, same expected revision.
            for (;;) {
              try {
                await writer.append('measure-counter', events, i === 0 ? 'no_stream' : BigInt(i - 1));
                break;
              } catch {
                failedWrites++;
                await sleep(50);
              }
            }
            await sleep(2);
          }
        })();
        let troubleWhileDown: string | undefined;
        const restarting = (async () => {
          while (seen.length < 100) await sleep(5);
          await server.stop();
          for (let waited = 0; waited < 500 && !troubleWhileDown; waited += 10) {
            await sleep(10);
            troubleWhileDown = reader.subscriptionTrouble();
          }
          await sleep(500);
          await server.start();
        })();
        await Promise.all([writing, reading, restarting]);

        expect(failedWrites).toBeGreaterThan(0);
        expect(subscription.resubscriptions).toBeGreaterThan(0);
        // What the subscription could not get past was told while the node was down (for /health), and cleared after.
        expect(troubleWhileDown).toMatch(/^subscription failed \d+ times? in a row: ./);
        expect(reader.subscriptionTrouble()).toBeUndefined();
        expect(seen.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: total }, (_, i) => i));
        const stored = server.log.stream('measure-counter');
        expect(stored).toHaveLength(total);
        expect(seen.map((e) => e.eventId)).toEqual(stored.map((r) => r.eventId));
      } finally {
        await subscription.close();
        await Promise.all([reader.close(), writer.close()]);
        await server.stop();
      }
    },
  );
});

describe('a write sent to a node that is not the leader', () => {
  it.each([false, true])(
    'is retried against the leader it names and lands exactly once (BatchAppend: %s)',
    async (batchAppend) => {
      const leader = await new EventStoreWireServer({ batchAppend }).start();
      const follower = await new EventStoreWireServer({ batchAppend, log: leader.log }).start();
      const store = await EventStoreDbEventStore.connect(follower.connectionString, { retryDelayMs: 10 });
      follower.answerNotLeaderOnce(leader.address);
      try {
        const written = await store.append('measure-led', [event(0), event(1)], 'no_stream');
        expect(written).toMatchObject({ written: true, nextExpectedRevision: 1n });
        expect(leader.log.stream('measure-led').map((r) => r.revision)).toEqual([0n, 1n]);
        const path = batchAppend ? 'batchAppend' : 'append';
        expect(follower.calls.get(path)).toBe(1);
        expect(leader.calls.get(path)).toBeGreaterThanOrEqual(1);
        // The next write goes straight to the leader.
        const before = follower.calls.get(path);
        await store.append('measure-led', [event(2)], 1n);
        expect(follower.calls.get(path)).toBe(before);
        expect(leader.log.stream('measure-led')).toHaveLength(3);
      } finally {
        await store.close();
        await Promise.all([leader.stop(), follower.stop()]);
      }
    },
  );
});

describe('a cluster connection string', () => {
  it('finds the leader by gossip, then writes and reads through it', async () => {
    const server = await new EventStoreWireServer({ batchAppend: true }).start();
    const { port } = server.address;
    // Several hosts make the client ask Gossip.Read for the members before it connects.
    const store = await EventStoreDbEventStore.connect(
      `esdb://127.0.0.1:${port},localhost:${port}?tls=false&nodePreference=leader`,
    );
    try {
      await store.append('measure-gossip', [event(0)], 'no_stream');
      expect((await store.readStream('measure-gossip')).map((e) => e.data)).toEqual([{ i: 0 }]);
      expect(server.calls.get('gossip')).toBeGreaterThanOrEqual(1);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
