/**
 * Delivers one endpoint's feed: each message in feed order, one at a time, as
 * a signed POST (Standard Webhooks), retried after failures on the configured
 * schedule until it succeeds or the retries run out; then the endpoint is
 * marked failing and stops. Its cursor moves only after a 2xx, and is saved
 * before the next message, so a restart resumes at the first message not
 * acknowledged (at-least-once: the one in flight may come again, same id).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { retryDelayMs, type WebhookConfig } from './webhook-config.js';
import type { DeliveryAttempt, SubscriberStateStore, WebhookEndpoint } from '../subscriber-state/subscriber-state.js';
import { BlockedAddressError, postJson } from './http-post.js';

export interface FeedMessage {
  /** The resume id: after delivery, the endpoint's cursor. */
  cursor: string;
  /** The JSON the SSE feed sends for this message. */
  payload: unknown;
}

/** The endpoint's feed after its cursor, with its filters. */
export type EndpointFeed = (endpoint: WebhookEndpoint, signal: AbortSignal) => AsyncIterable<FeedMessage>;

/** `webhook-id`: the same for every attempt at one message to one endpoint, different across endpoints. */
export function messageIdFor(endpointId: string, cursor: string): string {
  return `msg_${createHash('sha256').update(`${endpointId}\n${cursor}`).digest('base64url').slice(0, 32)}`;
}

export async function runEndpoint(
  start: WebhookEndpoint,
  feed: EndpointFeed,
  state: SubscriberStateStore,
  config: WebhookConfig,
  signal: AbortSignal,
): Promise<void> {
  let endpoint = start;
  if (endpoint.status !== 'active') return;
  const signer = new Webhook(endpoint.secret);
  for await (const message of feed(endpoint, signal)) {
    const body = JSON.stringify(message.payload);
    const messageId = messageIdFor(endpoint.id, message.cursor);
    for (;;) {
      if (endpoint.retryAt && !(await pauseUntil(endpoint.retryAt, signal))) return;
      const attempt = await post(endpoint, signer, messageId, message.cursor, body, config, signal);
      // Stopped before an answer (shutdown, a replay): the message is still owed and goes again with the same id.
      // An answer that did arrive is kept, so a delivered message is not sent again after a restart.
      if (signal.aborted && attempt.statusCode === undefined) return;
      const next = afterAttempt(endpoint, attempt, config);
      // The attempt and the state it leads to are stored together, unless the endpoint was changed meanwhile
      // (through another instance): the worker then stops, and is started again from the change.
      if (!(await state.recordAttempt(attempt, next))) return;
      if (next.status === 'failing') return;
      endpoint = next;
      if (signal.aborted) return;
      if (attempt.outcome === 'delivered') break;
    }
  }
}

/** The endpoint after an attempt: moved on, retrying at a due time, or failing once the retries ran out. */
function afterAttempt(endpoint: WebhookEndpoint, attempt: DeliveryAttempt, config: WebhookConfig): WebhookEndpoint {
  if (attempt.outcome === 'delivered')
    return { ...endpoint, after: attempt.cursor, failedAttempts: 0, retryAt: undefined, lastError: undefined };
  const failedAttempts = endpoint.failedAttempts + 1;
  const lastError = attempt.error ?? `the receiver answered ${attempt.statusCode}`;
  const delay = retryDelayMs(config, failedAttempts);
  if (delay === undefined)
    return { ...endpoint, status: 'failing', failedAttempts, retryAt: undefined, lastError, failingSince: attempt.at };
  return { ...endpoint, failedAttempts, retryAt: new Date(Date.now() + delay).toISOString(), lastError };
}

/** Waits for a due time; false when stopped first. */
async function pauseUntil(due: string, signal: AbortSignal): Promise<boolean> {
  const wait = Date.parse(due) - Date.now();
  if (wait > 0) {
    try {
      await sleep(wait, undefined, { signal });
    } catch (error) {
      if ((error as Error).name === 'AbortError') return false;
      throw error;
    }
  }
  return !signal.aborted;
}

async function post(
  endpoint: WebhookEndpoint,
  signer: Webhook,
  messageId: string,
  cursor: string,
  body: string,
  config: WebhookConfig,
  signal: AbortSignal,
): Promise<DeliveryAttempt> {
  const at = new Date();
  const started = performance.now();
  const base = {
    endpointId: endpoint.id,
    messageId,
    cursor,
    attempt: endpoint.failedAttempts + 1,
    at: at.toISOString(),
  };
  const failed = (error: string): DeliveryAttempt => ({
    ...base,
    error,
    latencyMs: Math.round(performance.now() - started),
    outcome: 'failed',
  });
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'regledger-webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': signer.sign(messageId, timestamp, body),
  };
  try {
    // Redirects are not followed (a 3xx is a failure): one could lead anywhere, including inside the network.
    const statusCode = await postJson(endpoint.url, headers, body, {
      allow: config.allow,
      timeoutMs: config.timeoutMs,
      signal,
    });
    const ok = statusCode >= 200 && statusCode < 300;
    return {
      ...base,
      statusCode,
      latencyMs: Math.round(performance.now() - started),
      outcome: ok ? 'delivered' : 'failed',
    };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return failed(
      error instanceof BlockedAddressError || (error as Error).name === 'TimeoutError' ? message : (code ?? message),
    );
  }
}
