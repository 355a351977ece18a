/**
 * Snapshots of the read model on disk, so that a restart folds only the
 * events recorded since, not the whole log.
 *
 * A snapshot file is a run of chunks (each a 4-byte length, then a value
 * written with v8.serialize), then a JSON trailer saying what it is: the
 * format and the fingerprint of the code that folds the log, the ledger it
 * comes from, the position it covers (with that event's stream, revision, id
 * and hash, to check against the store), and the body's length and SHA-256.
 * Anything that does not match is discarded with a reason (see
 * read-model-snapshot-reading.ts); the caller then rebuilds from scratch. Written to a temporary file, fsynced and renamed, so
 * a reader finds the old snapshot or the new one, never half of one.
 *
 * The model keeps folding while a snapshot is written (the chunks yield to the
 * event loop between them): everything is cut at the position taken when the
 * write began. The instant index is not cut (it holds no positions), which is
 * harmless: catching up from that position adds the same instants again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { serialize } from 'node:v8';
import { InstantIndex } from '../../projections/instant-index.js';
import { countUpTo, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { ReadableFact, UnreadableFact } from '../../src/domain/facts.js';
import type { EventStore } from '../event-store/event-store.js';

/** Bumped when the file's layout changes. */
export const SNAPSHOT_FORMAT = 1;
export const MAGIC = 'RLSNAP01';
export const TAIL_BYTES = 4 + MAGIC.length;
/**
 * Facts (or subjects, instants; ten times as many record-clock entries) per
 * chunk: each chunk is serialised without yielding, 2,000 facts in about 20 ms
 * on a busy 2-core machine (bench/scale.ts prints the longest).
 */
const CHUNK_ITEMS = 2_000;

/** Which ledger a snapshot belongs to: its first event, whose id and record time no other ledger shares. */
export interface LedgerIdentity {
  firstEventId: string;
  firstRecordedAt: string;
}

/** The event at the snapshot's position, as the store must still hold it. */
export interface CoveredEvent {
  position: string;
  streamId: string;
  revision: string;
  eventId: string;
  hash?: string;
}

export interface SnapshotTrailer {
  format: number;
  /** Fingerprint of the code that folds the log: a snapshot made by other code is not trusted. */
  code: string;
  ledger: LedgerIdentity;
  covers: CoveredEvent;
  eventCount: number;
  bodyBytes: number;
  sha256: string;
  writtenAt: string;
}

export interface LoadedSnapshot {
  model: LedgerReadModel;
  instants: InstantIndex;
  trailer: SnapshotTrailer;
}

export interface WriteFigures {
  bytes: number;
  ms: number;
  /** The longest the event loop was held by one chunk. */
  longestChunkMs: number;
}

let fingerprint: string | undefined;

/**
 * SHA-256 of the sources (or compiled files) of projections/ and src/domain/,
 * which define the fold: any change to them, a release or a local edit,
 * makes older snapshots unusable rather than possibly wrong.
 */
export function foldCodeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256').update(`format ${SNAPSHOT_FORMAT}\n`);
  for (const dir of [join(import.meta.dirname, '../../projections'), join(import.meta.dirname, '../domain')]) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(ts|js)$/.test(name) || name.endsWith('.d.ts')) continue;
      hash.update(name).update(readFileSync(join(dir, name)));
    }
  }
  return (fingerprint = hash.digest('hex'));
}

/** The ledger's identity, or undefined while it is empty. */
export async function ledgerIdentity(store: EventStore): Promise<LedgerIdentity | undefined> {
  const [first] = await store.readAll({ maxCount: 1 });
  return first && { firstEventId: first.eventId, firstRecordedAt: first.recordedAt };
}

/**
 * Writes a snapshot of the model as it stands now to `path`. `covers` is the
 * event at the model's position (the last folded).
 */
export async function writeSnapshot(
  path: string,
  model: LedgerReadModel,
  instants: InstantIndex,
  ledger: LedgerIdentity,
  covers: CoveredEvent,
  code = foldCodeFingerprint(),
): Promise<WriteFigures> {
  const started = performance.now();
  // Taken in one turn of the event loop: the fold may go on while the chunks are written.
  const position = model.position;
  if (covers.position !== position.toString()) throw new Error('the covered event is not at the model position');
  const clock = {
    position,
    eventCount: model.eventCount,
    lastRecordedAt: model.lastRecordedAt,
    recordTimes: model.recordTimes.slice(),
    firstPositions: model.firstPositions.slice(),
    lastPositions: model.lastPositions.slice(),
  };
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await open(temp, 'w');
  const digest = createHash('sha256');
  let bytes = 0;
  let longestChunkMs = 0;
  const put = async (kind: string, value: unknown, since: number) => {
    const body = serialize([kind, value]);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(body.length);
    digest.update(length).update(body);
    longestChunkMs = Math.max(longestChunkMs, performance.now() - since);
    await file.write(length);
    await file.write(body);
    bytes += 4 + body.length;
    // Queries and the fold run between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    await put('clock', { ...clock, recordTimes: [], firstPositions: [], lastPositions: [] }, performance.now());
    for (let i = 0; i < clock.recordTimes.length; i += CHUNK_ITEMS * 10) {
      const since = performance.now();
      const end = i + CHUNK_ITEMS * 10;
      await put(
        'times',
        [clock.recordTimes.slice(i, end), clock.firstPositions.slice(i, end), clock.lastPositions.slice(i, end)],
        since,
      );
    }
    let batch: [string, ReadableFact[], UnreadableFact[] | undefined][] = [];
    let size = 0;
    let since = performance.now();
    for (const [measureId, entry] of model.measures) {
      const facts = entry.facts.slice(0, countUpTo(entry.facts, position));
      const setAside = entry.setAside?.filter((f) => f.position <= position);
      if (!facts.length && !setAside?.length) continue;
      batch.push([measureId, facts, setAside?.length ? setAside : undefined]);
      size += facts.length + (setAside?.length ?? 0);
      if (size >= CHUNK_ITEMS) {
        await put('measures', batch, since);
        batch = [];
        size = 0;
        since = performance.now();
      }
    }
    if (batch.length) await put('measures', batch, since);
    let subjects: [string, [string, bigint][]][] = [];
    since = performance.now();
    for (const [subject, measures] of model.subjects) {
      const named = [...measures].filter(([, first]) => first <= position);
      if (named.length) subjects.push([subject, named]);
      if (subjects.length >= CHUNK_ITEMS) {
        await put('subjects', subjects, since);
        subjects = [];
        since = performance.now();
      }
    }
    if (subjects.length) await put('subjects', subjects, since);
    let entries: [number, string[]][] = [];
    size = 0;
    since = performance.now();
    for (const entry of instants.entries()) {
      entries.push(entry);
      // An instant may name thousands of measures (a common effective date): counted by the measures named.
      size += entry[1].length;
      if (size >= CHUNK_ITEMS * 10) {
        await put('instants', entries, since);
        entries = [];
        size = 0;
        since = performance.now();
      }
    }
    if (entries.length) await put('instants', entries, since);
    const trailer: SnapshotTrailer = {
      format: SNAPSHOT_FORMAT,
      code,
      ledger,
      covers,
      eventCount: clock.eventCount,
      bodyBytes: bytes,
      sha256: digest.digest('hex'),
      writtenAt: new Date().toISOString(),
    };
    const text = Buffer.from(JSON.stringify(trailer));
    const tail = Buffer.alloc(TAIL_BYTES);
    tail.writeUInt32LE(text.length);
    tail.write(MAGIC, 4, 'latin1');
    await file.write(text);
    await file.write(tail);
    await file.sync();
    await file.close();
    await rename(temp, path);
    await syncDirectory(dirname(path));
    return { bytes: bytes + text.length + TAIL_BYTES, ms: performance.now() - started, longestChunkMs };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** The rename is durable only once the directory is synced (where the platform allows it). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

/** Temporary files left by a write that never finished (a crash, a kill); not those of a live process (another worker). */
export async function removeUnfinished(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (pid !== process.pid && isAlive(pid)) continue;
    await rm(join(dirname(path), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
