/**
 * A catch-up-then-live subscription to the ledger's streams in `$all`,
 * filtered on the server by stream prefix. It survives any disconnect: it
 * subscribes again from the last position it is sure of (the last event it
 * handed out, or a later checkpoint once every event before it was handed
 * out), with a growing pause between attempts. Events at or before that
 * position are dropped, so none is repeated; none is skipped because the
 * resume position never passes an event not yet handed out.
 */
import {
  START,
  streamNameFilter,
  type EventStoreDBClient,
  type JSONRecordedEvent,
  type Position,
} from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { exponentialBackoff } from '../../retry.js';
import type { StoredEvent, Subscription } from '../event-store.js';
import { at, toStoredEvent } from './eventstoredb-events.js';

type ServerSubscription = ReturnType<EventStoreDBClient['subscribeToAll']>;

export interface SubscriptionOptions {
  retryDelayMs: number;
  maxRetryDelayMs?: number;
  /** Told each failure it resubscribes after (with how many in a row), and undefined once the server confirms it again. */
  onTrouble?(problem: string | undefined, failures: number): void;
}

const log = new Logger('EventStoreDbSubscription');

export class EventStoreDbSubscription implements Subscription {
  private closed = false;
  private current?: ServerSubscription;
  private wakeUp?: () => void;
  /** How many times the server subscription was opened again after a failure (for tests and logs). */
  resubscriptions = 0;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly streamPrefix: string,
    private readonly start: Promise<bigint>,
    private readonly options: SubscriptionOptions,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.current?.unsubscribe().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    let last = await this.start;
    let failures = 0;
    const backoff = exponentialBackoff(this.options.retryDelayMs, this.options.maxRetryDelayMs ?? 2_000);
    while (!this.closed) {
      let safeCheckpoint = last;
      const subscription = this.client.subscribeToAll({
        fromPosition: last === 0n ? START : at(last),
        filter: streamNameFilter({
          prefixes: [this.streamPrefix],
          checkpointReached: (_sub: unknown, position: Position) => {
            // Only when everything the server sent before it has been taken from the buffer.
            if (subscription.readableLength === 0 && position.commit > safeCheckpoint) safeCheckpoint = position.commit;
          },
        }),
      });
      this.current = subscription;
      // The server confirmed the subscription: it is live again, whether or not an event comes soon.
      subscription.once('confirmation', () => {
        if (failures === 0 || this.closed) return;
        failures = 0;
        this.options.onTrouble?.(undefined, 0);
      });
      try {
        for await (const resolved of subscription as AsyncIterable<{ event?: JSONRecordedEvent }>) {
          const event = resolved.event;
          if (!event?.position || event.position.commit <= last) continue;
          if (failures > 0) this.options.onTrouble?.(undefined, 0);
          failures = 0;
          last = event.position.commit;
          if (safeCheckpoint < last) safeCheckpoint = last;
          yield toStoredEvent(event);
          if (this.closed) return;
        }
      } catch (error) {
        // A dropped connection, a restarted node, a leader change: subscribe again below, and say so.
        if (!this.closed) {
          failures++;
          log.warn(
            `subscription failed (${failures} in a row), subscribing again after ${position(last)}: ${describe(error)}`,
          );
          this.options.onTrouble?.(describe(error), failures);
        }
      } finally {
        void subscription.unsubscribe().catch(() => undefined);
      }
      if (this.closed) return;
      if (safeCheckpoint > last) last = safeCheckpoint;
      this.resubscriptions++;
      await this.pause(backoff(Math.max(1, failures)));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function position(commit: bigint): string {
  return commit === 0n ? 'the start' : `position ${commit}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
