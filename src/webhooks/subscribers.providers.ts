/**
 * Where webhooks and consumers keep their state (beside the ledger's store),
 * and the delivery service as this process runs it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { ChangeFeedService } from '../changes/change-feed.service.js';
import type { EventStore } from '../event-store/event-store.js';
import { EventStoreDbEventStore } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { EventStoreDbSubscriberState } from './eventstoredb-subscriber-state.js';
import { SqliteSubscriberState } from './sqlite-subscriber-state.js';
import type { SubscriberStateStore } from './subscriber-state.js';
import { loadWebhookConfig } from './webhook-config.js';
import { WebhooksService } from './webhooks.service.js';
import { leaseTimingFrom } from '../leases/lease-keeper.js';
import { leaseStoreFor } from '../leases/lease-store-for.js';

/**
 * EventStoreDB: streams of its own on the same server. SQLite: a file beside
 * the ledger's (`ledger.db` → `ledger.subscribers.db`). Any other store (a
 * test's wrapper) keeps the state in memory.
 */
export function subscriberStateFor(store: EventStore): SubscriberStateStore {
  if (store instanceof EventStoreDbEventStore) return new EventStoreDbSubscriberState(store.client);
  if (store instanceof SqliteEventStore && store.path !== ':memory:') {
    return new SqliteSubscriberState(
      join(dirname(store.path), `${basename(store.path, extname(store.path))}.subscribers.db`),
    );
  }
  return new SqliteSubscriberState(':memory:');
}

/** Several instances on one ledger: the one holding the lease in the ledger's store delivers. */
export function webhooksServiceFor(
  state: SubscriberStateStore,
  feed: ChangeFeedService,
  store: EventStore,
  deliver: boolean,
): WebhooksService {
  return new WebhooksService(
    state,
    store,
    feed,
    loadWebhookConfig(),
    deliver,
    deliver ? { store: leaseStoreFor(store), holder: instanceId(), timing: leaseTimingFrom() } : undefined,
  );
}

/** Who holds a lease, as an operator reads it: host, process and a random part (a restarted process is another holder). */
function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
