/**
 * Where the ledger remembers its subscribers: webhook endpoints (their cursor,
 * retry and failure state, recent delivery attempts) and the acknowledged
 * positions of named SSE consumers. Kept apart from the regulatory log: none
 * of it is a ledger event, takes a ledger position or enters the Merkle tree.
 * One port, an implementation per store (SQLite file, EventStoreDB streams).
 */
export type WebhookFeed = 'ledger' | 'effective';

export interface WebhookFilters {
  subject?: string[];
  measure?: string[];
  type?: string[];
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  feed: WebhookFeed;
  filters: WebhookFilters;
  /** `whsec_` + base64 key. */
  secret: string;
  createdAt: string;
  /** `failing`: retries ran out; nothing is sent until it is re-enabled. */
  status: 'active' | 'failing';
  /** Everything up to this resume id (a ledger position, or an effective-feed transition id) was delivered. */
  after: string;
  /** Attempts already made at the message after `after` (0: none failed yet). */
  failedAttempts: number;
  /** When the next attempt is due (ISO 8601), while retrying. */
  retryAt?: string;
  lastError?: string;
  failingSince?: string;
  /**
   * Grows with every change made through the API (replay, enable), so the
   * instance delivering learns of a change made through another one, and a
   * worker's write never undoes it.
   */
  generation?: number;
}

export interface DeliveryAttempt {
  endpointId: string;
  /** The `webhook-id` header: the same for every attempt at one message. */
  messageId: string;
  /** The resume id of the message delivered. */
  cursor: string;
  attempt: number;
  at: string;
  /** The receiver's HTTP status, when it answered. */
  statusCode?: number;
  /** Why it failed without a status (timeout, refused connection, blocked address). */
  error?: string;
  latencyMs: number;
  outcome: 'delivered' | 'failed';
}

export interface SubscriberStateStore {
  saveEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  endpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /** Every endpoint not deleted, oldest first. */
  endpoints(): Promise<WebhookEndpoint[]>;
  deleteEndpoint(id: string): Promise<void>;
  /**
   * Keeps the attempt and saves the endpoint's state after it, together; false,
   * writing nothing, when the stored endpoint is no longer of the same
   * generation (changed through the API, or deleted): its worker then stops.
   */
  recordAttempt(attempt: DeliveryAttempt, endpoint: WebhookEndpoint): Promise<boolean>;
  /** The newest attempts first. */
  attempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]>;
  consumerPosition(name: string): Promise<bigint | undefined>;
  /** Moves the consumer forward to `position` (never back); answers where it now stands. */
  acknowledge(name: string, position: bigint): Promise<bigint>;
  close(): Promise<void>;
}

export const SUBSCRIBER_STATE = Symbol('SubscriberStateStore');

/** Attempts kept per endpoint: enough to see a day of retries and what came before. */
export const ATTEMPTS_KEPT = 100;
