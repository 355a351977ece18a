/**
 * Webhooks with several instances on one ledger: only the lease holder
 * delivers, yet an endpoint registered or replayed through any instance is
 * served; and a delivery worker's write never undoes a change made meanwhile
 * through another instance (the endpoint's generation), on either store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ChangeFeedService, LedgerChange } from '../../src/changes/change-feed.service.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteLeaseStore } from '../../src/leases/sqlite-lease.js';
import { EventStoreDbSubscriberState } from '../../src/subscriber-state/eventstoredb-subscriber-state.js';
import { SqliteSubscriberState } from '../../src/subscriber-state/sqlite-subscriber-state.js';
import type { DeliveryAttempt, WebhookEndpoint } from '../../src/subscriber-state/subscriber-state.js';
import { AllowList } from '../../src/webhooks/url-policy.js';
import { WebhooksService } from '../../src/webhooks/webhooks.service.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { Receiver } from './receiver.js';
import { watchAttempts } from './recorded-attempts.js';

describe('webhooks/several-instances', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await new Receiver(0).start();
    Logger.overrideLogger(false);
  });
  afterAll(async () => {
    await receiver.stop();
    Logger.overrideLogger(['error', 'warn']);
  });

  const HEAD = 3n;
  /** The ledger feed of a log of three events: from `after` to the head, then live until stopped. */
  const feed = {
    async *ledgerChanges({ after, signal }: { after: bigint; signal: AbortSignal }): AsyncGenerator<LedgerChange> {
      for (let p = after + 1n; p <= HEAD; p++)
        yield { position: p, event: { id: `e${p}`, ledgerposition: String(p) } as never };
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    },
  } as unknown as ChangeFeedService;
  const config = {
    allow: AllowList.parse('127.0.0.1'),
    retryScheduleMs: [10],
    timeoutMs: 2000,
    jitter: 0,
    workerRestartMs: 20,
  };

  it('an endpoint registered and replayed through an instance that does not deliver is delivered by the one that does', async () => {
    receiver.reset();
    const state = new SqliteSubscriberState(':memory:');
    const attempts = watchAttempts(state);
    const leases = new SqliteLeaseStore(':memory:');
    const store = { headPosition: async () => HEAD } as EventStore;
    const timing = { ttlMs: 1000, renewEveryMs: 200 };
    const holder = new WebhooksService(state, store, feed, config, true, {
      store: leases,
      holder: 'instance-a',
      timing,
    });
    const other = new WebhooksService(state, store, feed, config, true, {
      store: leases,
      holder: 'instance-b',
      timing,
    });
    await holder.onApplicationBootstrap();
    await other.onApplicationBootstrap();
    try {
      expect([holder.delivering, other.delivering]).toEqual([true, false]);
      const endpoint = await other.create({ url: receiver.url, feed: 'ledger', filters: {}, after: '0' });
      await receiver.until((r) => r.accepted.length === 3);
      await other.replay(endpoint.id, '1');
      await receiver.until((r) => r.accepted.length === 5);
      expect(receiver.accepted.map((r) => JSON.parse(r.body).ledgerposition)).toEqual(['1', '2', '3', '2', '3']);
      await attempts.until(async () => (await other.get(endpoint.id)).after === '3');
      expect(await other.get(endpoint.id)).toMatchObject({ generation: 1, status: 'active' });
    } finally {
      await other.onApplicationShutdown();
      await holder.onApplicationShutdown();
    }
  });

  describe.each([
    ['SQLite', async () => ({ state: new SqliteSubscriberState(':memory:'), stop: async () => {} })],
    [
      'EventStoreDB',
      async () => {
        const server = await new EventStoreWireServer().start();
        const store = await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
        return {
          state: new EventStoreDbSubscriberState(store.client),
          stop: async () => (await store.close(), await server.stop()),
        };
      },
    ],
  ])('a worker recording an attempt on %s', (_name, open) => {
    const endpoint: WebhookEndpoint = {
      id: 'e1',
      url: 'http://127.0.0.1/hooks',
      feed: 'ledger',
      filters: {},
      secret: 'whsec_x',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'active',
      after: '0',
      failedAttempts: 0,
    };
    const attempt = (cursor: string): DeliveryAttempt => ({
      endpointId: 'e1',
      messageId: `msg_${cursor}`,
      cursor,
      attempt: 1,
      at: '2026-01-01T00:00:01.000Z',
      statusCode: 204,
      latencyMs: 1,
      outcome: 'delivered',
    });

    it('is refused, writing nothing, once the endpoint was changed or deleted meanwhile', async () => {
      const { state, stop } = await open();
      try {
        await state.saveEndpoint(endpoint);
        expect(await state.recordAttempt(attempt('1'), { ...endpoint, after: '1' })).toBe(true);
        // A replay through another instance: the next generation, from the start.
        await state.saveEndpoint({ ...endpoint, after: '0', generation: 1 });
        expect(await state.recordAttempt(attempt('2'), { ...endpoint, after: '2' })).toBe(false);
        expect(await state.endpoint('e1')).toMatchObject({ after: '0', generation: 1 });
        expect((await state.attempts('e1', 10)).map((a) => a.cursor)).toEqual(['1']);
        expect(await state.recordAttempt(attempt('1'), { ...endpoint, after: '1', generation: 1 })).toBe(true);
        await state.deleteEndpoint('e1');
        expect(await state.recordAttempt(attempt('2'), { ...endpoint, after: '2', generation: 1 })).toBe(false);
      } finally {
        await state.close();
        await stop();
      }
    });
  });
});
