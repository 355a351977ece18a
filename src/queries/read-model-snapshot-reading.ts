/**
 * Reading a snapshot file (the format is described in read-model-snapshot.ts):
 * its trailer first, checked against this code and this store, then its body,
 * checked against its digest before the model it holds is used.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { deserialize } from 'node:v8';
import { InstantIndex } from '../../projections/instant-index.js';
import { initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { ReadableFact, UnreadableFact } from '../../src/domain/facts.js';
import type { EventStore } from '../event-store/event-store.js';
import { storedHash } from '../integrity/event-hash.js';
import {
  foldCodeFingerprint,
  ledgerIdentity,
  MAGIC,
  SNAPSHOT_FORMAT,
  TAIL_BYTES,
  type LoadedSnapshot,
  type SnapshotTrailer,
} from './read-model-snapshot.js';

export class SnapshotRejected extends Error {}

/** The trailer of a snapshot file, or why it cannot be used. */
export async function readTrailer(path: string): Promise<SnapshotTrailer> {
  const size = (await stat(path)).size;
  if (size < TAIL_BYTES) throw new SnapshotRejected(`the file is truncated (${size} bytes)`);
  const file = await open(path, 'r');
  try {
    const tail = Buffer.alloc(TAIL_BYTES);
    await file.read(tail, 0, TAIL_BYTES, size - TAIL_BYTES);
    if (tail.toString('latin1', 4) !== MAGIC) throw new SnapshotRejected('the file is truncated or not a snapshot');
    const length = tail.readUInt32LE(0);
    if (length > size - TAIL_BYTES) throw new SnapshotRejected('the trailer is damaged');
    const text = Buffer.alloc(length);
    await file.read(text, 0, length, size - TAIL_BYTES - length);
    let trailer: SnapshotTrailer;
    try {
      trailer = JSON.parse(text.toString('utf8')) as SnapshotTrailer;
    } catch {
      throw new SnapshotRejected('the trailer is damaged');
    }
    if (trailer.bodyBytes !== size - TAIL_BYTES - length)
      throw new SnapshotRejected(
        `the body is ${size - TAIL_BYTES - length} bytes, the trailer says ${trailer.bodyBytes}`,
      );
    return trailer;
  } finally {
    await file.close();
  }
}

/**
 * Why a snapshot cannot stand for this ledger under this code, if it cannot:
 * other code, another ledger, a position beyond the store's head (the store
 * was replaced), or an event at its position that is not the one it covered.
 */
export async function mismatch(
  trailer: SnapshotTrailer,
  store: EventStore,
  code = foldCodeFingerprint(),
): Promise<string | undefined> {
  if (trailer.format !== SNAPSHOT_FORMAT)
    return `it has format ${trailer.format}, this version reads ${SNAPSHOT_FORMAT}`;
  if (trailer.code !== code) return 'it was made by another version of the read model';
  const identity = await ledgerIdentity(store);
  if (
    identity?.firstEventId !== trailer.ledger.firstEventId ||
    identity.firstRecordedAt !== trailer.ledger.firstRecordedAt
  )
    return 'it was made from another ledger (its first event differs)';
  const head = await store.headPosition();
  const position = BigInt(trailer.covers.position);
  if (position > head) return `it covers position ${position}, beyond the store's head ${head}: the store was replaced`;
  const [event] = await store.readStream(trailer.covers.streamId, {
    fromRevision: BigInt(trailer.covers.revision),
    maxCount: 1,
  });
  if (
    !event ||
    event.position !== position ||
    event.eventId !== trailer.covers.eventId ||
    storedHash(event) !== trailer.covers.hash
  )
    return `the store's event at position ${position} is not the one the snapshot covers: the store was replaced`;
  return undefined;
}

/**
 * Reads a snapshot's body into a new model. Yields between chunks; the
 * digest is checked before the model is returned.
 */
export async function readSnapshot(path: string, trailer: SnapshotTrailer): Promise<LoadedSnapshot> {
  const model = initialState();
  const instantEntries: [number, string[]][] = [];
  const digest = createHash('sha256');
  const file = await open(path, 'r');
  try {
    let offset = 0;
    const lengthBytes = Buffer.alloc(4);
    while (offset < trailer.bodyBytes) {
      if (offset + 4 > trailer.bodyBytes) throw new SnapshotRejected(`the chunk at byte ${offset} is damaged`);
      await file.read(lengthBytes, 0, 4, offset);
      const length = lengthBytes.readUInt32LE(0);
      if (offset + 4 + length > trailer.bodyBytes) throw new SnapshotRejected(`the chunk at byte ${offset} is damaged`);
      const body = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(body, 0, length, offset + 4);
      if (bytesRead !== length) throw new SnapshotRejected(`the chunk at byte ${offset} is truncated`);
      digest.update(lengthBytes).update(body);
      let chunk: [string, unknown];
      try {
        chunk = deserialize(body) as [string, unknown];
      } catch {
        throw new SnapshotRejected(`the chunk at byte ${offset} is damaged`);
      }
      addChunk(model, instantEntries, chunk);
      offset += 4 + length;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await file.close();
  }
  if (digest.digest('hex') !== trailer.sha256) throw new SnapshotRejected('the body does not match its digest');
  if (model.position.toString() !== trailer.covers.position || model.eventCount !== trailer.eventCount)
    throw new SnapshotRejected('the body does not hold the position its trailer names');
  return { model, instants: InstantIndex.fromEntries(instantEntries), trailer };
}

function addChunk(model: LedgerReadModel, instants: [number, string[]][], [kind, value]: [string, unknown]): void {
  switch (kind) {
    case 'clock': {
      const clock = value as Pick<LedgerReadModel, 'position' | 'eventCount' | 'lastRecordedAt'>;
      model.position = clock.position;
      model.eventCount = clock.eventCount;
      model.lastRecordedAt = clock.lastRecordedAt;
      return;
    }
    case 'times': {
      const [times, firsts, lasts] = value as [number[], number[], number[]];
      for (let i = 0; i < times.length; i++) {
        model.recordTimes.push(times[i]!);
        model.firstPositions.push(firsts[i]!);
        model.lastPositions.push(lasts[i]!);
      }
      return;
    }
    case 'measures':
      for (const [measureId, facts, setAside] of value as [string, ReadableFact[], UnreadableFact[] | undefined][])
        model.measures.set(measureId, setAside ? { facts, setAside } : { facts });
      return;
    case 'subjects':
      for (const [subject, named] of value as [string, [string, bigint][]][])
        model.subjects.set(subject, new Map(named));
      return;
    case 'instants':
      for (const entry of value as [number, string[]][]) instants.push(entry);
      return;
    default:
      throw new SnapshotRejected(`the body holds an unknown chunk "${kind}"`);
  }
}
