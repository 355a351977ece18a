/**
 * Webhook endpoints: registration, changes, and one delivery worker per
 * active endpoint. A change to an endpoint (replay, re-enable, delete) first
 * stops its worker, so the worker and the change never write over each other.
 */
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangeFeedService } from '../changes/change-feed.service.js';
import { EFFECTIVE_FROM_START } from '../changes/feed-params.js';
import type { EventStore } from '../event-store/event-store.js';
import { LedgerError } from '../errors.js';
import { runEndpoint, type EndpointFeed } from './delivery-worker.js';
import type { DeliveryAttempt, SubscriberStateStore, WebhookEndpoint, WebhookFeed, WebhookFilters } from './subscriber-state.js';
import type { WebhookConfig } from './webhook-config.js';

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

  constructor(
    private readonly state: SubscriberStateStore,
    private readonly store: EventStore,
    private readonly feed: ChangeFeedService,
    readonly config: WebhookConfig,
    /** False in a context that only reads (the CLI): nothing is delivered. */
    private readonly deliver: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.deliver) return;
    for (const endpoint of await this.state.endpoints()) this.start(endpoint);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.workers.keys()].map((id) => this.stop(id)));
    await this.state.close();
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
    this.start(endpoint);
    return endpoint;
  }

  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.state.endpoints();
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.state.endpoint(id);
    if (!endpoint) throw new LedgerError('not-found', `no webhook ${id}`, [{ field: 'id', rule: 'webhook-exists', message: `no webhook ${id}`, value: id }]);
    return endpoint;
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.stop(id);
    await this.state.deleteEndpoint(id);
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
    await this.stop(id);
    // Read after stopping: the worker may have moved the cursor meanwhile.
    const current = await this.get(id);
    const endpoint: WebhookEndpoint = { ...change(current), status: 'active', failedAttempts: 0, retryAt: undefined, lastError: undefined, failingSince: undefined };
    await this.state.saveEndpoint(endpoint);
    this.start(endpoint);
    return endpoint;
  }

  /** The resume id of the present: a new endpoint is sent what happens from now on. */
  private async now(feed: WebhookFeed): Promise<string> {
    const head = await this.store.headPosition();
    return feed === 'ledger' ? head.toString() : `${Date.now()}-1-${head}-`;
  }

  private start(endpoint: WebhookEndpoint): void {
    if (!this.deliver || this.stopped || endpoint.status !== 'active') return;
    const abort = new AbortController();
    const done = this.supervise(endpoint, abort.signal).finally(() => {
      if (this.workers.get(endpoint.id)?.done === done) this.workers.delete(endpoint.id);
    });
    this.workers.set(endpoint.id, { abort, done });
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
        logger.error(`webhook ${start.id}: ${(error as Error).message}; delivery restarts in ${this.config.workerRestartMs} ms`);
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
          logger.error(`webhook ${start.id}: cannot read its state (${(error as Error).message}); trying again in ${this.config.workerRestartMs} ms`);
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
      return mapFeed(this.feed.ledgerChanges({ after: BigInt(endpoint.after), filter: { subjects: subject, measures: measure, types: type }, signal }), (c) => ({
        cursor: c.position.toString(),
        payload: c.event,
      }));
    }
    const after = /^0+$/.test(endpoint.after) ? EFFECTIVE_FROM_START : endpoint.after;
    return mapFeed(this.feed.effectiveChanges({ after, subjects: subject, signal }), (t) => ({ cursor: t.id, payload: t }));
  };
}

async function* mapFeed<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}
