/**
 * Tamper evidence over the whole log: every event's content hash is
 * recomputed and its chain within its stream followed, and every event
 * becomes a leaf of the Merkle tree in position order. The first event that
 * fails is named; the tree gives digests and proofs to hand to third parties.
 */
import { evolve, initialState, setAsideEvents, type SetAsideEvent } from '../../projections/ledger-read-model.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { contentHash, storedHash } from './event-hash.js';
import { MerkleLog } from './merkle.js';
import { pace } from '../pacer.js';

export interface IntegrityProblem {
  eventId: string;
  position: string;
  streamId: string;
  revision: string;
  problem: string;
}

export interface Digest {
  treeSize: number;
  /** Hex SHA-256 root (RFC 9162 MTH). */
  rootHash: string;
  /** Position of the last event in the tree ("0" for an empty tree). */
  position: string;
}

/** A leaf's data: the event's identity, place and record time, and its content hash. */
export function leafOf(event: StoredEvent): {
  eventId: string;
  hash: string | null;
  position: string;
  recordedAt: string;
  revision: string;
  streamId: string;
} {
  return {
    eventId: event.eventId,
    hash: storedHash(event) ?? null,
    position: event.position.toString(),
    recordedAt: event.recordedAt,
    revision: event.revision.toString(),
    streamId: event.streamId,
  };
}

/** RFC 8785 JSON of `leafOf(event)`, written out: its members are strings (or a null hash), already in key order. */
export function leafBytes(event: StoredEvent): Buffer {
  const hash = storedHash(event);
  const text =
    `{"eventId":${JSON.stringify(event.eventId)},"hash":${hash === undefined ? 'null' : JSON.stringify(hash)},"position":"${event.position}",` +
    `"recordedAt":${JSON.stringify(event.recordedAt)},"revision":"${event.revision}","streamId":${JSON.stringify(event.streamId)}}`;
  return Buffer.from(text, 'utf8');
}

export class LogIntegrity {
  readonly tree = new MerkleLog();
  /**
   * Without content checks the tree is built from the stored hashes alone
   * (about 10× faster): what a server needs for digests and proofs. `verify`
   * checks every hash and chain.
   */
  constructor(private readonly checkContent = true) {}

  /** The first problem found, if any; later events still become leaves. */
  problem?: IntegrityProblem;
  private readonly positions: bigint[] = [];
  private readonly leafIndex = new Map<string, number>();
  private readonly streams = new Map<string, { revision: bigint; hash: string | null }>();

  get position(): bigint {
    return this.positions[this.positions.length - 1] ?? 0n;
  }

  add(event: StoredEvent): IntegrityProblem | undefined {
    const found = this.checkContent ? this.check(event) : undefined;
    this.problem ??= found;
    this.streams.set(event.streamId, { revision: event.revision, hash: storedHash(event) ?? null });
    this.leafIndex.set(event.eventId, this.tree.size);
    this.positions.push(event.position);
    this.tree.append(leafBytes(event));
    return found;
  }

  indexOf(eventId: string): number | undefined {
    return this.leafIndex.get(eventId);
  }

  positionOfLeaf(index: number): bigint {
    return this.positions[index]!;
  }

  digest(treeSize = this.tree.size): Digest {
    return {
      treeSize,
      rootHash: this.tree.root(treeSize).toString('hex'),
      position: treeSize === 0 ? '0' : this.positions[treeSize - 1]!.toString(),
    };
  }

  private check(event: StoredEvent): IntegrityProblem | undefined {
    const previous = this.streams.get(event.streamId);
    const expectedRevision = previous ? previous.revision + 1n : 0n;
    const fail = (problem: string) => ({
      eventId: event.eventId,
      position: event.position.toString(),
      streamId: event.streamId,
      revision: event.revision.toString(),
      problem,
    });
    if (event.revision > expectedRevision) {
      return fail(
        `revision ${expectedRevision} of ${event.streamId} is missing: the log holds no event between this one and the one before it in its stream`,
      );
    }
    if (event.revision < expectedRevision)
      return fail(`it is out of order: ${event.streamId} had already reached revision ${expectedRevision - 1n}`);
    const stored = storedHash(event);
    if (!stored) return fail('it carries no content hash');
    if (contentHash(event, previous?.hash ?? null) !== stored) {
      return fail('its stored content no longer matches its hash (or the previous event of its stream changed)');
    }
    return undefined;
  }
}

/**
 * `unreadable`: stored events (not retracted) whose payload cannot be read;
 * every answer about their measure leaves them out and names them.
 */
export type VerifyOutcome = (
  { ok: true; digest: Digest } | { ok: false; problem: IntegrityProblem; digest: Digest }
) & { unreadable: SetAsideEvent[] };

/**
 * Reads the whole log and checks it; with `expected`, also that the log still
 * holds the tree an earlier digest described (nothing rewritten, reordered or
 * cut off since). Every event is also read as the read model reads it, to
 * name those that cannot be.
 */
export async function verifyLog(
  store: EventStore,
  options: { expected?: { treeSize: number; rootHash: string }; onProgress?: (events: number) => void } = {},
): Promise<VerifyOutcome> {
  const model = initialState();
  const integrity = await foldIntegrity(store, new LogIntegrity(), {
    onProgress: options.onProgress,
    onEvent: (event) => evolve(model, event),
  });
  const unreadable = setAsideEvents(model, [...model.measures.keys()].sort(), model.position);
  const digest = integrity.digest();
  if (integrity.problem) return { ok: false, problem: integrity.problem, digest, unreadable };
  const expected = options.expected;
  if (expected) {
    const where = { eventId: '', position: digest.position, streamId: '', revision: '' };
    if (expected.treeSize > digest.treeSize) {
      return {
        ok: false,
        digest,
        unreadable,
        problem: {
          ...where,
          problem: `the log holds ${digest.treeSize} events, fewer than the ${expected.treeSize} of the digest: events were removed`,
        },
      };
    }
    if (integrity.tree.root(expected.treeSize).toString('hex') !== expected.rootHash.toLowerCase()) {
      return {
        ok: false,
        digest,
        unreadable,
        problem: {
          ...where,
          problem: `the first ${expected.treeSize} events no longer hash to the digest's root ${expected.rootHash}: the log was rewritten`,
        },
      };
    }
  }
  return { ok: true, digest, unreadable };
}

/** Folds what the store holds beyond `integrity`'s position into it (and hands each event to `onEvent`). */
export async function foldIntegrity(
  store: EventStore,
  integrity: LogIntegrity,
  options: {
    onProgress?: (events: number) => void;
    onEvent?: (event: StoredEvent) => void;
    /** A server folds in small pages, pausing between events (see pacer.ts): a catch-up of thousands hashes for a while. */
    server?: { pageSize: number };
  } = {},
): Promise<LogIntegrity> {
  const { onProgress, onEvent, server } = options;
  const pageSize = server?.pageSize ?? 5000;
  for (;;) {
    const page = await store.readAll({ after: integrity.position, maxCount: pageSize });
    for (const event of page) {
      integrity.add(event);
      onEvent?.(event);
      if (server) await pace();
    }
    onProgress?.(integrity.tree.size);
    if (page.length < pageSize) return integrity;
  }
}
