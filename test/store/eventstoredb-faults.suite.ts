/**
 * The EventStoreDB adapter under the faults a cluster produces, played by the
 * wire-level test server: a node restarted under a live subscription, and a
 * write sent to a node that is no longer the leader.
 */
import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventToAppend, StoredEvent } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EventStoreDbSubscription } from '../../src/event-store/eventstoredb/eventstoredb-subscription.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';

describe('store/eventstoredb-faults', () => {
  const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'Counted', data: { i }, metadata: {} });

  function deferred(): { promise: Promise<void>; resolve(): void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  /**
   * Resolves at the first warning the adapter logs that matches: the subscription logs each failure, then records it
   * for /health in the same turn. Nest's logger is replaced for this file, which also keeps the warnings off the output.
   */
  function warningMatching(pattern: RegExp): Promise<void> {
    const seen = deferred();
    Logger.overrideLogger({
      log() {},
      error() {},
      warn(message: unknown) {
        if (pattern.test(String(message))) seen.resolve();
      },
    });
    // A turn later, so what the adapter does right after logging has been done.
    return seen.promise.then(() => new Promise((r) => setImmediate(r)));
  }

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
        const subscriptionFailed = warningMatching(/^subscription failed/);
        try {
          // Three events an append: each append is several round trips, and the log grows to 300 events in 100.
          const perAppend = 3;
          const appends = 100;
          const total = appends * perAppend;
          const appendsBeforeStop = 34;
          const seen: StoredEvent[] = [];
          const seenBeforeStop = deferred();
          const reading = (async () => {
            for await (const e of subscription) {
              if (seen.push(e) === appendsBeforeStop * perAppend) seenBeforeStop.resolve();
              if (seen.length === total) break;
            }
          })();
          const stopped = deferred();
          const writeFailed = deferred();
          const restarted = deferred();
          let failedWrites = 0;
          const writing = (async () => {
            for (let a = 0; a < appends; a++) {
              // The rest are written once the subscriber has read the first ones and the node is down.
              if (a === appendsBeforeStop) await stopped.promise;
              const events = Array.from({ length: perAppend }, (_, k) => event(a * perAppend + k));
              // A write that fails while the node is down is sent again as it was (same ids, same expected revision)
              // once it is back; the client may still be reconnecting then, and the retry fails again.
              for (;;) {
                try {
                  await writer.append('measure-counter', events, a === 0 ? 'no_stream' : BigInt(a * perAppend - 1));
                  break;
                } catch {
                  failedWrites++;
                  writeFailed.resolve();
                  await restarted.promise;
                }
              }
            }
          })();
          let troubleWhileDown: string | undefined;
          const restarting = (async () => {
            await seenBeforeStop.promise;
            await server.stop();
            stopped.resolve();
            // Down until the subscriber has told its trouble (for /health) and a write has failed.
            await Promise.all([subscriptionFailed, writeFailed.promise]);
            troubleWhileDown = reader.subscriptionTrouble();
            await server.start();
            restarted.resolve();
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
});
