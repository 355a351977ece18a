/**
 * Keeps the Merkle tree of the log current for HTTP: each request first
 * folds in whatever the store holds beyond the tree (one read when nothing is
 * new), so a digest always covers every acknowledged write.
 */
import { LedgerError } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import { foldIntegrity, LogIntegrity, leafOf, type Digest } from './log-integrity.js';

export interface InclusionProof {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  /** The leaf's data (RFC 8785 JSON of these fields is what was hashed). */
  leaf: ReturnType<typeof leafOf>;
  auditPath: string[];
  rootHash: string;
}

export interface ConsistencyProof {
  from: Digest;
  to: Digest;
  proof: string[];
}

export class IntegrityService {
  /** Built from the stored hashes; `regledger verify` recomputes them. */
  private readonly integrity = new LogIntegrity(false);
  /** Catch-ups run one after another: two at once would fold the same events twice. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /**
   * The tree as of the store's head when called. Each call folds in anything
   * newer itself (joining one already running could miss a write acknowledged
   * after that one read its last page).
   */
  async current(): Promise<LogIntegrity> {
    const caughtUp = this.queue.then(() => this.catchUp());
    this.queue = caughtUp.catch(() => undefined);
    await caughtUp;
    return this.integrity;
  }

  async digest(): Promise<Digest> {
    return (await this.current()).digest();
  }

  async inclusionProof(eventId: string, treeSize?: number): Promise<InclusionProof> {
    const integrity = await this.current();
    const size = treeSize ?? integrity.tree.size;
    this.checkTreeSize('treeSize', size, integrity.tree.size);
    const index = integrity.indexOf(eventId);
    if (index === undefined) throw new LedgerError('not-found', `no event ${eventId} in the log`);
    if (index >= size) {
      throw new LedgerError('bad-input', `event ${eventId} is leaf ${index}, outside a tree of ${size}`, [
        { field: 'treeSize', rule: 'includes-event', message: `must be more than ${index}`, value: size },
      ]);
    }
    const [event] = await this.store.readAll({ after: integrity.positionOfLeaf(index) - 1n, maxCount: 1 });
    return {
      eventId,
      leafIndex: index,
      treeSize: size,
      leaf: leafOf(event!),
      auditPath: integrity.tree.inclusionProof(index, size).map((h) => h.toString('hex')),
      rootHash: integrity.tree.root(size).toString('hex'),
    };
  }

  async consistencyProof(from: number, to?: number): Promise<ConsistencyProof> {
    const integrity = await this.current();
    const size = to ?? integrity.tree.size;
    this.checkTreeSize('to', size, integrity.tree.size);
    this.checkTreeSize('from', from, size);
    return {
      from: integrity.digest(from),
      to: integrity.digest(size),
      proof: integrity.tree.consistencyProof(from, size).map((h) => h.toString('hex')),
    };
  }

  private checkTreeSize(field: string, value: number, max: number): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new LedgerError('bad-input', `${field} must be a tree size from 0 to ${max}`, [
        { field, rule: 'tree-size', message: `must be a whole number from 0 to ${max}`, value },
      ]);
    }
  }

  private async catchUp(): Promise<void> {
    await foldIntegrity(this.store, this.integrity, { server: { pageSize: 500 } });
  }
}
