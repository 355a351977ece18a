/**
 * What a feed tells its client when it cannot go on once the stream has
 * started (too late for an HTTP status): the error in the one shape, and how
 * long EventSource should wait before it reconnects. A store that may answer
 * again soon is retried soon; a damaged file will not mend by reconnecting,
 * so the client is told to wait an hour rather than loop on it.
 */
import { Logger } from '@nestjs/common';
import { StorageFailure } from '../event-store/storage-failure.js';
import { errorBody, STORE_RETRY_AFTER_SECONDS, type ErrorBody } from '../http/error-response.js';
import { outageFailure } from '../event-store/eventstoredb/outage.js';

/** Reconnect delays (ms) sent with a feed's error message. */
export const FEED_RETRY_MS = { transient: STORE_RETRY_AFTER_SECONDS * 1000, permanent: 3_600_000, internal: 10_000 };

export interface FeedFailure {
  body: ErrorBody;
  retryMs: number;
}

const log = new Logger('ChangeFeed');

export function feedFailure(error: unknown, feed: string): FeedFailure {
  const failure = outageFailure(error, 'EventStoreDB');
  const body = errorBody(failure);
  log.error(
    `the ${feed} feed stopped: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`,
  );
  const retryMs =
    failure instanceof StorageFailure
      ? failure.permanent
        ? FEED_RETRY_MS.permanent
        : FEED_RETRY_MS.transient
      : body.statusCode === 503
        ? FEED_RETRY_MS.transient
        : FEED_RETRY_MS.internal;
  return { body, retryMs };
}
