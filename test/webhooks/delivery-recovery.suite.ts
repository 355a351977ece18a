/**
 * A delivery worker that meets a failure of the store (the log cannot be read)
 * starts again from its stored state, rather than stopping for good.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ChangeFeedService, LedgerChange } from '../../src/changes/change-feed.service.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteSubscriberState } from '../../src/subscriber-state/sqlite-subscriber-state.js';
import { AllowList } from '../../src/webhooks/url-policy.js';
import { WebhooksService } from '../../src/webhooks/webhooks.service.js';
import { Receiver } from './receiver.js';
import { watchAttempts } from './recorded-attempts.js';

describe('webhooks/delivery-recovery', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await new Receiver(0).start();
    Logger.overrideLogger(false);
  });
  afterAll(async () => {
    await receiver.stop();
    Logger.overrideLogger(['error', 'warn']);
  });

  const change = (position: bigint): LedgerChange => ({
    position,
    event: { id: `e${position}`, ledgerposition: String(position) } as never,
  });

  it('restarts after the feed fails, resuming after the last delivered message', async () => {
    let opened = 0;
    const feed = {
      // The first reading fails after one message, as a store going away would; the next reads resume where asked.
      async *ledgerChanges({ after, signal }: { after: bigint; signal: AbortSignal }) {
        opened++;
        for (let p = after + 1n; p <= 3n; p++) {
          if (opened === 1 && p === 2n) throw new Error('the store is unreachable');
          yield change(p);
        }
        // Caught up: live until stopped.
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      },
    } as unknown as ChangeFeedService;
    const store = { headPosition: async () => 3n } as EventStore;
    const config = {
      allow: AllowList.parse('127.0.0.1'),
      retryScheduleMs: [10],
      timeoutMs: 2000,
      jitter: 0,
      workerRestartMs: 20,
    };
    const state = new SqliteSubscriberState(':memory:');
    const attempts = watchAttempts(state);
    const service = new WebhooksService(state, store, feed, config, true);
    try {
      const endpoint = await service.create({ url: receiver.url, feed: 'ledger', filters: {}, after: '0' });
      await receiver.until((r) => r.accepted.length === 3);
      expect(receiver.accepted.map((r) => JSON.parse(r.body).ledgerposition)).toEqual(['1', '2', '3']);
      expect(opened).toBe(2);
      // The cursor is stored just after the receiver's answer.
      await attempts.until(async () => (await service.get(endpoint.id)).after === '3');
    } finally {
      await service.onApplicationShutdown();
    }
  });
});
