/**
 * Subscriber state on EventStoreDB, in streams named `regledger-webhook…` and
 * `regledger-consumer-…`: outside the ledger's stream prefix (`measure-`), so
 * the ledger's reads, positions and Merkle tree never see them. An endpoint's
 * stream holds its successive states (the newest is the state); its attempts
 * and a consumer's acknowledgements have their own streams, capped by
 * `$maxCount` so they do not grow without bound.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type EventStoreDBClient,
  type JSONRecordedEvent,
} from '@eventstore/db-client';
import {
  ATTEMPTS_KEPT,
  type DeliveryAttempt,
  type SubscriberStateStore,
  type WebhookEndpoint,
} from './subscriber-state.js';

const INDEX_STREAM = 'regledger-webhooks';
const endpointStream = (id: string) => `regledger-webhook-state-${id}`;
const attemptStream = (id: string) => `regledger-webhook-attempts-${id}`;
const consumerStream = (name: string) => `regledger-consumer-${name}`;
/** States kept per endpoint stream: only the newest is read. */
const STATES_KEPT = 10;

export class EventStoreDbSubscriberState implements SubscriberStateStore {
  constructor(private readonly client: EventStoreDBClient) {}

  async saveEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    const stream = endpointStream(endpoint.id);
    const [current] = await this.newest(stream, 1);
    if (!current) {
      await this.client.setStreamMetadata(stream, { maxCount: STATES_KEPT });
      await this.client.setStreamMetadata(attemptStream(endpoint.id), { maxCount: ATTEMPTS_KEPT });
      await this.client.appendToStream(
        INDEX_STREAM,
        jsonEvent({ type: 'WebhookEndpointAdded', data: { id: endpoint.id } }),
      );
    }
    await this.client.appendToStream(stream, jsonEvent({ type: 'WebhookEndpointState', data: { ...endpoint } }));
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const [newest] = await this.newest(endpointStream(id), 1);
    return newest?.type === 'WebhookEndpointState' ? (newest.data as unknown as WebhookEndpoint) : undefined;
  }

  async endpoints(): Promise<WebhookEndpoint[]> {
    const ids = new Set<string>();
    for (const event of await this.all(INDEX_STREAM)) {
      const { id } = event.data as { id: string };
      if (event.type === 'WebhookEndpointAdded') ids.add(id);
      else ids.delete(id);
    }
    const found = await Promise.all([...ids].map((id) => this.endpoint(id)));
    return found.filter((e): e is WebhookEndpoint => e !== undefined);
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.client.appendToStream(endpointStream(id), jsonEvent({ type: 'WebhookEndpointDeleted', data: { id } }));
    await this.client.appendToStream(INDEX_STREAM, jsonEvent({ type: 'WebhookEndpointDeleted', data: { id } }));
  }

  /**
   * Two streams, so two appends: the attempt first, so a state never points past
   * an attempt that is not recorded. The state is appended only over the state
   * read, so a change made meanwhile through another instance is never undone.
   */
  async recordAttempt(attempt: DeliveryAttempt, endpoint: WebhookEndpoint): Promise<boolean> {
    const [stored] = await this.newest(endpointStream(endpoint.id), 1);
    const storedState =
      stored?.type === 'WebhookEndpointState' ? (stored.data as unknown as WebhookEndpoint) : undefined;
    if (!storedState || (storedState.generation ?? 0) !== (endpoint.generation ?? 0)) return false;
    await this.client.appendToStream(
      attemptStream(attempt.endpointId),
      jsonEvent({ type: 'WebhookDeliveryAttempted', data: { ...attempt } }),
    );
    try {
      await this.client.appendToStream(
        endpointStream(endpoint.id),
        jsonEvent({ type: 'WebhookEndpointState', data: { ...endpoint } }),
        { expectedRevision: stored!.revision },
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  async attempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]> {
    return (await this.newest(attemptStream(endpointId), limit)).map((e) => e.data as unknown as DeliveryAttempt);
  }

  async consumerPosition(name: string): Promise<bigint | undefined> {
    const [newest] = await this.newest(consumerStream(name), 1);
    return newest ? BigInt((newest.data as { position: string }).position) : undefined;
  }

  async acknowledge(name: string, position: bigint): Promise<bigint> {
    const stream = consumerStream(name);
    // Optimistic: two acknowledgements racing each read the newest, and the later append retries.
    for (;;) {
      const [newest] = await this.newest(stream, 1);
      const stored = newest ? BigInt((newest.data as { position: string }).position) : undefined;
      if (stored !== undefined && stored >= position) return stored;
      if (!newest) await this.client.setStreamMetadata(stream, { maxCount: STATES_KEPT });
      try {
        await this.client.appendToStream(
          stream,
          jsonEvent({
            type: 'ConsumerAcknowledged',
            data: { position: position.toString(), acknowledgedAt: new Date().toISOString() },
          }),
          {
            expectedRevision: newest ? newest.revision : 'no_stream',
          },
        );
        return position;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  /** The client belongs to the event store, which closes it. */
  async close(): Promise<void> {}

  private async newest(stream: string, limit: number): Promise<JSONRecordedEvent[]> {
    return this.read(stream, { direction: BACKWARDS, fromRevision: END, maxCount: limit });
  }

  private async all(stream: string): Promise<JSONRecordedEvent[]> {
    return this.read(stream, { direction: FORWARDS, fromRevision: START });
  }

  private async read(
    stream: string,
    options: Parameters<EventStoreDBClient['readStream']>[1],
  ): Promise<JSONRecordedEvent[]> {
    const events: JSONRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, options)) {
        if (resolved.event) events.push(resolved.event as JSONRecordedEvent);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}
