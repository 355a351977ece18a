/** The delivery service as this process runs it. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ChangeFeedService } from '../changes/change-feed.service.js';
import type { EventStore } from '../event-store/event-store.js';
import type { SubscriberStateStore } from '../subscriber-state/subscriber-state.js';
import { loadWebhookConfig } from './webhook-config.js';
import { WebhooksService } from './webhooks.service.js';
import { leaseTimingFrom } from '../leases/lease-keeper.js';
import { leaseStoreFor } from '../leases/lease-store-for.js';

/** Several instances on one ledger: the one holding the lease in the ledger's store delivers. */
export async function webhooksServiceFor(
  state: SubscriberStateStore,
  feed: ChangeFeedService,
  store: EventStore,
  deliver: boolean,
): Promise<WebhooksService> {
  return new WebhooksService(
    state,
    store,
    feed,
    loadWebhookConfig(),
    deliver,
    deliver ? { store: await leaseStoreFor(store), holder: instanceId(), timing: leaseTimingFrom() } : undefined,
  );
}

/** Who holds a lease, as an operator reads it: host, process and a random part (a restarted process is another holder). */
function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
