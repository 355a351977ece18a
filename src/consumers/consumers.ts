/**
 * Server-remembered subscriptions: a named consumer of the ledger feed
 * acknowledges positions, and GET /v1/changes?consumer=<name> resumes after
 * the last one, so a service that lost its own checkpoint still resumes.
 * Acknowledgements only move forward; a consumer never acknowledged starts
 * from the beginning of the ledger (nothing is skipped on its behalf).
 */
import type { ErrorDetail } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import type { SubscriberStateStore } from '../subscriber-state/subscriber-state.js';

/**
 * A name is a path segment (/v1/consumers/<name>/ack): `.` and `..` mean this
 * and the parent folder there, and a client or proxy that normalises the path
 * would send the request elsewhere (`/v1/consumers/../ack` is `/v1/ack`).
 */
export const CONSUMER_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;
export const CONSUMER_RULE = 'letters, digits, . _ -; at most 64; not . or .. alone';

/** The consumer's name, with the problem added when it is not one. */
export function consumerParam(field: string, value: string | undefined, problems: ErrorDetail[]): string | undefined {
  if (value === undefined) return undefined;
  if (!CONSUMER_NAME.test(value))
    problems.push({
      field,
      rule: 'isConsumerName',
      message:
        value === '.' || value === '..'
          ? `${field} must not be "${value}": it is a path segment meaning ${value === '.' ? 'this' : 'the parent'} folder, which a client may resolve away (${CONSUMER_RULE})`
          : `${field} must be a consumer name: ${CONSUMER_RULE}`,
      value,
    });
  return value;
}

export class Consumers {
  constructor(
    private readonly state: SubscriberStateStore,
    private readonly store: EventStore,
  ) {}

  /** Where the consumer's feed resumes: after its acknowledged position, or from the start. */
  async resumeFrom(name: string): Promise<bigint> {
    return (await this.state.consumerPosition(name)) ?? 0n;
  }

  position(name: string): Promise<bigint | undefined> {
    return this.state.consumerPosition(name);
  }

  /** Records the acknowledgement; a position past the ledger's head was never sent, so it is refused. */
  async acknowledge(name: string, position: bigint): Promise<{ position: bigint } | { problem: ErrorDetail }> {
    const head = await this.store.headPosition();
    if (position > head) {
      return {
        problem: {
          field: 'position',
          rule: 'isRecordedPosition',
          message: `position ${position} is past the ledger's newest position ${head}: acknowledge an id the feed sent`,
          value: position.toString(),
        },
      };
    }
    return { position: await this.state.acknowledge(name, position) };
  }
}
