/**
 * Webhook endpoints: registration, changes, and one delivery worker per
 * active endpoint. A change to an endpoint (replay, re-enable, delete) first
 * stops its worker, so the worker and the change never write over each other.
 *
 * Several instances on one ledger deliver once, not once each: only the
 * holder of the deliveries lease runs workers. It looks at the stored
 * endpoints every second, so endpoints added or changed through another
 * instance are delivered too (a change bumps the endpoint's generation, and a
 * worker's write over a newer generation is refused, stopping that worker).
 */
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangeFeedService } from '../changes/change-feed.service.js';
import { EFFECTIVE_FROM_START } from '../changes/feed-params.js';
import type { EventStore } from '../event-store/event-store.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { runEndpoint, type EndpointFeed } from './delivery-worker.js';
import type {
  DeliveryAttempt,
  SubscriberStateStore,
  WebhookEndpoint,
  WebhookFeed,
  WebhookFilters,
} from '../subscriber-state/subscriber-state.js';
import type { WebhookConfig } from './webhook-config.js';
import { LeaseKeeper, type LeaseTiming } from '../leases/lease-keeper.js';
import type { LeaseStore } from '../leases/lease.js';

/** The lease that decides which instance delivers. */
export interface DeliveryLease {
  store: LeaseStore;
  /** This instance's id. */
  holder: string;
  timing: LeaseTiming;
}

export const DELIVERY_LEASE_NAME = 'webhook-deliveries';
/** How often the lease holder looks for endpoints added or changed through other instances. */
const RECONCILE_EVERY_MS = 1000;

export interface NewEndpoint {
  url: string;
  feed: WebhookFeed;
  filters: WebhookFilters;
  /** Where delivery starts; undefined: from now. */
  after?: string;
}

interface Worker {
  abort: AbortController;
  done: Promise<void>;
  generation: number;
}

const logger = new Logger('Webhooks');

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch (error) {
    if ((error as Error).name === 'AbortError') return false;
    throw error;
  }
}

export class WebhooksService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;
  /** Holds the deliveries lease (always, without one: a single instance). */
  private leading = false;
  private readonly keeper?: LeaseKeeper;
  private readonly leaseStore?: LeaseStore;
  private reconciling?: { abort: AbortController; done: Promise<void> };
  /** Starting and stopping workers, one change at a time: the API's and the reconciler's never interleave. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: SubscriberStateStore,
    private readonly store: EventStore,
    private readonly feed: ChangeFeedService,
    readonly config: WebhookConfig,
    /** False in a context that only reads (the CLI): nothing is delivered. */
    private readonly deliver: boolean,
    /** Without one, this instance delivers as if it were alone on its ledger. */
    lease?: DeliveryLease,
  ) {
    // Alone on its ledger, an instance delivers from the start.
    this.leading = deliver && !lease;
    if (deliver && lease) {
      this.keeper = new LeaseKeeper(lease.store, DELIVERY_LEASE_NAME, lease.holder, lease.timing, {
        gained: () => this.lead(),
        lost: () => this.standDown(),
      });
      this.leaseStore = lease.store;
    }
  }

  /** Whether this instance is the one delivering. */
  get delivering(): boolean {
    return this.leading;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.deliver) return;
    if (this.keeper) await this.keeper.start();
    else await this.lead();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // The keeper stops the workers before it gives the lease up; without one, they are stopped here.
    if (this.keeper) await this.keeper.stop();
    else await this.standDown();
    await this.leaseStore?.close();
    await this.state.close();
  }

  /** The lease is ours: deliver every active endpoint, and keep looking for changes made elsewhere. */
  private async lead(): Promise<void> {
    this.leading = true;
    await this.reconcile();
    const abort = new AbortController();
    const done = (async () => {
      while (await pause(RECONCILE_EVERY_MS, abort.signal)) {
        try {
          await this.reconcile();
        } catch (error) {
          logger.error(`cannot read the webhook endpoints: ${(error as Error).message}`);
        }
      }
    })();
    this.reconciling = { abort, done };
  }

  /** The lease is lost (or the instance stops): every worker stops before another instance may start them. */
  private async standDown(): Promise<void> {
    this.leading = false;
    this.reconciling?.abort.abort();
    await this.reconciling?.done;
    this.reconciling = undefined;
    await this.exclusively(() => Promise.all([...this.workers.keys()].map((id) => this.stop(id))));
  }

  /** Workers for the endpoints as stored: started for new ones, restarted for changed ones, stopped for deleted ones. */
  private reconcile(): Promise<void> {
    return this.exclusively(async () => {
      if (!this.leading) return;
      const endpoints = await this.state.endpoints();
      const ids = new Set(endpoints.map((e) => e.id));
      for (const id of this.workers.keys()) if (!ids.has(id)) await this.stop(id);
      for (const endpoint of endpoints) {
        const worker = this.workers.get(endpoint.id);
        if (worker && worker.generation === (endpoint.generation ?? 0)) continue;
        if (worker) await this.stop(endpoint.id);
        this.start(endpoint);
      }
    });
  }

  private exclusively<T>(change: () => Promise<T>): Promise<T> {
    const done = this.changes.then(change);
    this.changes = done.catch(() => undefined);
    return done;
  }

  async create(input: NewEndpoint): Promise<WebhookEndpoint> {
    const endpoint: WebhookEndpoint = {
      id: randomUUID(),
      url: input.url,
      feed: input.feed,
      filters: input.filters,
      secret: `whsec_${randomBytes(32).toString('base64')}`,
      createdAt: new Date().toISOString(),
      status: 'active',
      after: input.after ?? (await this.now(input.feed)),
      failedAttempts: 0,
    };
    await this.state.saveEndpoint(endpoint);
    await this.exclusively(async () => this.start(endpoint));
    return endpoint;
  }

  /** Refuses a resume id the feed never sent (past the newest position, or on the effective feed ahead of the clock). */
  checkResume(feed: WebhookFeed, after: string, problems: ErrorDetail[]): Promise<void> {
    return this.feed.checkResume('after', feed === 'ledger' ? BigInt(after) : after, problems);
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.state.endpoints();
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.state.endpoint(id);
    if (!endpoint)
      throw new LedgerError('not-found', `no webhook ${id}`, [
        { field: 'id', rule: 'webhook-exists', message: `no webhook ${id}`, value: id },
      ]);
    return endpoint;
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.exclusively(async () => {
      await this.stop(id);
      await this.state.deleteEndpoint(id);
    });
  }

  async deliveries(id: string, limit: number): Promise<DeliveryAttempt[]> {
    await this.get(id);
    return this.state.attempts(id, limit);
  }

  /** Delivers again everything after `after`, and re-enables the endpoint if it was failing. */
  replay(id: string, after: string): Promise<WebhookEndpoint> {
    return this.restart(id, (e) => ({ ...e, after }));
  }

  /** A failing endpoint tries again, starting with the message it failed on. */
  enable(id: string): Promise<WebhookEndpoint> {
    return this.restart(id, (e) => e);
  }

  private async restart(id: string, change: (e: WebhookEndpoint) => WebhookEndpoint): Promise<WebhookEndpoint> {
    await this.get(id);
    return this.exclusively(async () => {
      await this.stop(id);
      // Read after stopping: the worker may have moved the cursor meanwhile.
      const current = await this.get(id);
      const changed = change(current);
      const endpoint: WebhookEndpoint = {
        ...changed,
        status: 'active',
        failedAttempts: 0,
        retryAt: undefined,
        lastError: undefined,
        failingSince: undefined,
        generation: (current.generation ?? 0) + 1,
      };
      await this.state.saveEndpoint(endpoint);
      this.start(endpoint);
      return endpoint;
    });
  }

  /** The resume id of the present: a new endpoint is sent what happens from now on. */
  private async now(feed: WebhookFeed): Promise<string> {
    return feed === 'ledger' ? (await this.store.headPosition()).toString() : this.feed.effectiveNow();
  }

  private start(endpoint: WebhookEndpoint): void {
    if (!this.deliver || this.stopped || !this.leading || endpoint.status !== 'active') return;
    const abort = new AbortController();
    const done = this.supervise(endpoint, abort.signal).finally(() => {
      if (this.workers.get(endpoint.id)?.done === done) this.workers.delete(endpoint.id);
    });
    this.workers.set(endpoint.id, { abort, done, generation: endpoint.generation ?? 0 });
  }

  /** Runs the endpoint's worker; a failure to read the log or to store state (a store down) restarts it from its stored state. */
  private async supervise(start: WebhookEndpoint, signal: AbortSignal): Promise<void> {
    let endpoint = start;
    for (;;) {
      try {
        await runEndpoint(endpoint, this.endpointFeed, this.state, this.config, signal);
        return;
      } catch (error) {
        if (signal.aborted) return;
        logger.error(
          `webhook ${start.id}: ${(error as Error).message}; delivery restarts in ${this.config.workerRestartMs} ms`,
        );
      }
      // Started again from the stored state: the worker stored its progress as it went.
      for (;;) {
        if (!(await pause(this.config.workerRestartMs, signal))) return;
        try {
          const stored = await this.state.endpoint(start.id);
          if (!stored) return;
          endpoint = stored;
          break;
        } catch (error) {
          logger.error(
            `webhook ${start.id}: cannot read its state (${(error as Error).message}); trying again in ${this.config.workerRestartMs} ms`,
          );
        }
      }
    }
  }

  private async stop(id: string): Promise<void> {
    const worker = this.workers.get(id);
    if (!worker) return;
    worker.abort.abort();
    await worker.done;
  }

  private readonly endpointFeed: EndpointFeed = (endpoint, signal) => {
    const { subject, measure, type } = endpoint.filters;
    if (endpoint.feed === 'ledger') {
      return mapFeed(
        this.feed.ledgerChanges({
          after: BigInt(endpoint.after),
          filter: { subjects: subject, measures: measure, types: type },
          signal,
        }),
        (c) => ({
          cursor: c.position.toString(),
          payload: c.event,
        }),
      );
    }
    const after = /^0+$/.test(endpoint.after) ? EFFECTIVE_FROM_START : endpoint.after;
    return mapFeed(this.feed.effectiveChanges({ after, subjects: subject, signal }), (t) => ({
      cursor: t.id,
      payload: t,
    }));
  };
}

async function* mapFeed<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}
