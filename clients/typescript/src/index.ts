/**
 * The regledger client: its HTTP API typed from the OpenAPI document
 * (openapi-fetch), and its two change feeds as async iterables and rxjs
 * Observables that resume after a dropped connection.
 *
 *   const ledger = createLedgerClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 *   const state = await orThrow(ledger.api.GET('/v1/subjects/{subjectId}/state', { params: { path: { subjectId: 'huawei' } } }));
 *   for await (const { id, data } of ledger.subscribe({ after: '0', subject: ['huawei'] })) console.log(id, data.type);
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.js';
import type { EffectiveTransition, EventType, LedgerCloudEvent } from './events.js';
import { Feed, type BackOff } from './feeds.js';

export { LedgerApiError, orThrow, type ErrorBody, type ErrorDetail } from './errors.js';
export type { CategorySet, EffectiveTransition, EventType, FeedMessage, LedgerCloudEvent } from './events.js';
export type { BackOff, Feed } from './feeds.js';
export type { components, paths } from './openapi.js';

export interface LedgerClientOptions {
  /** Where the ledger is served, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** An API key (Authorization: Bearer); the feeds need the reader role. */
  apiKey?: string;
  /** How long to wait between reconnections of a feed. */
  backOff?: BackOff;
  fetch?: typeof fetch;
  /** Told of each dropped feed connection, with the wait before the next try. */
  onReconnect?: (error: unknown, delayMs: number) => void;
}

export interface LedgerFilter {
  /** A ledger position to start after ('0': from the beginning); default: from now. */
  after?: string;
  subject?: string[];
  measure?: string[];
  type?: (EventType | `org.regledger.${EventType}`)[];
}

export interface EffectiveFilter {
  /** A transition id to start after ('0': from the start); default: from now. */
  after?: string;
  subject?: string[];
}

export interface LedgerClient {
  /** Every route, typed: `await ledger.api.GET('/v1/events', { params: { query: { after: '0' } } })`. */
  api: Client<paths>;
  /** Ledger events in position order, as CloudEvents; each message's id is its position. */
  subscribe(filter?: LedgerFilter): Feed<LedgerCloudEvent>;
  /** Changes of what is in force now, per subject. */
  subscribeEffective(filter?: EffectiveFilter): Feed<EffectiveTransition>;
}

export function createLedgerClient(options: LedgerClientOptions): LedgerClient {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
  const api = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), headers, fetch: fetchFn });
  const list = (values?: string[]) => (values?.length ? values.join(',') : undefined);
  const feed = <T>(
    path: string,
    query: Record<string, string | undefined>,
    after: string | undefined,
    startingPoint: () => Promise<string | undefined>,
  ) =>
    new Feed<T>({
      baseUrl: options.baseUrl,
      path,
      query,
      headers,
      fetch: fetchFn,
      backOff: options.backOff ?? {},
      after,
      startingPoint,
      onReconnect: options.onReconnect,
    });
  return {
    api,
    subscribe: (filter = {}) =>
      // "From now" is pinned to the head when the feed opens, so a reconnection before the first event still misses nothing.
      feed<LedgerCloudEvent>(
        '/v1/changes',
        { subject: list(filter.subject), measure: list(filter.measure), type: list(filter.type) },
        filter.after,
        async () => {
          const { data } = await api.GET('/health');
          return data?.headPosition;
        },
      ),
    subscribeEffective: (filter = {}) =>
      feed<EffectiveTransition>(
        '/v1/changes/effective',
        { subject: list(filter.subject) },
        filter.after,
        async () => undefined,
      ),
  };
}
