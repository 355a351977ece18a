/**
 * A catch-up-then-live subscription to the ledger's streams in `$all`,
 * filtered on the server by stream prefix. It survives any disconnect: it
 * subscribes again from the last position it is sure of (the last event it
 * handed out, or a later checkpoint once every event before it was handed
 * out), with a growing pause between attempts. Events at or before that
 * position are dropped, so none is repeated; none is skipped because the
 * resume position never passes an event not yet handed out.
 */
import { START, streamNameFilter, type EventStoreDBClient, type JSONRecordedEvent, type Position } from '@eventstore/db-client';
import type { StoredEvent, Subscription } from '../event-store.js';
import { at, toStoredEvent } from './eventstoredb-events.js';

type ServerSubscription = ReturnType<EventStoreDBClient['subscribeToAll']>;

export interface SubscriptionOptions {
  retryDelayMs: number;
  maxRetryDelayMs?: number;
}

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
      try {
        for await (const resolved of subscription as AsyncIterable<{ event?: JSONRecordedEvent }>) {
          const event = resolved.event;
          if (!event?.position || event.position.commit <= last) continue;
          failures = 0;
          last = event.position.commit;
          if (safeCheckpoint < last) safeCheckpoint = last;
          yield toStoredEvent(event);
          if (this.closed) return;
        }
      } catch {
        // A dropped connection, a restarted node, a leader change: subscribe again below.
      } finally {
        void subscription.unsubscribe().catch(() => undefined);
      }
      if (this.closed) return;
      if (safeCheckpoint > last) last = safeCheckpoint;
      this.resubscriptions++;
      await this.pause(Math.min(this.options.maxRetryDelayMs ?? 2_000, this.options.retryDelayMs * 2 ** failures++));
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


