/**
 * The read model service on a real store (embedded SQLite, and EventStoreDB
 * over the wire-level server): a stop writes a snapshot; the next start loads
 * it and folds only the events recorded since, answering as a rebuild does.
 * A snapshot it cannot trust (other code, another ledger, a store replaced by
 * an older copy, a damaged file) is discarded with the reason logged and the
 * log folded from scratch, never a crash and never its answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { copyFileSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { WriteWatermark } from '../../src/write-watermark.js';
import { buildReadModel, ReadModelService } from '../../src/queries/read-model.service.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { DAY, EPOCH, historyArbitrary, SUBJECTS } from '../support/history-generator.js';
import { tempDir } from '../support/temp-dir.js';

describe('queries/snapshot-restart', () => {
  /** Two histories long enough to cut in three. */
  const [historyA, historyB] = fc
    .sample(historyArbitrary, { numRuns: 200, seed: 19 })
    .filter((h) => h.length >= 12)
    .slice(0, 2) as [LoggedEvent[], LoggedEvent[]];

  async function append(store: EventStore, events: LoggedEvent[]): Promise<void> {
    for (const e of events)
      await store.append(e.streamId, [{ eventId: e.eventId, type: e.type, data: e.data, metadata: {} }], 'any');
  }

  interface Started {
    service: ReadModelService;
    said: string[];
  }

  async function startService(store: EventStore, path: string): Promise<Started> {
    const said: string[] = [];
    const service = new ReadModelService(store, new WriteWatermark());
    service.keepSnapshots({ path, report: (level, message) => said.push(`${level}: ${message}`) });
    await service.start();
    await service.current();
    return { service, said };
  }

  /** What users ask, over every subject, at several valid times and known positions. */
  async function answers(service: ReadModelService, head: bigint) {
    const model = await service.current();
    const out: unknown[] = [model.position];
    for (const asOfPosition of [1n, head / 2n, head])
      for (const subject of [...SUBJECTS, 'stranger'])
        for (const at of [EPOCH, EPOCH + 10 * DAY, EPOCH + 30 * DAY]) {
          out.push(subjectState(model, subject, { at, asOfPosition }));
          out.push(checkCategory(model, subject, 'x/y', { at, asOfPosition }).status);
        }
    return out;
  }

  async function rebuiltAnswers(store: EventStore) {
    const { model } = await buildReadModel(store);
    const service = new ReadModelService(store, new WriteWatermark(), { follow: false });
    await service.rebuild();
    expect(service.position).toBe(model.position);
    return answers(service, model.position);
  }

  /** Rewrites the snapshot's trailer, as a file written by another version of the code would read. */
  function rewriteTrailer(path: string, change: (trailer: Record<string, unknown>) => void): void {
    const file = readFileSync(path);
    const length = file.readUInt32LE(file.length - 12);
    const trailer = JSON.parse(file.subarray(file.length - 12 - length, file.length - 12).toString()) as Record<
      string,
      unknown
    >;
    change(trailer);
    const text = Buffer.from(JSON.stringify(trailer));
    const tail = Buffer.from(file.subarray(file.length - 12));
    tail.writeUInt32LE(text.length);
    writeFileSync(path, Buffer.concat([file.subarray(0, file.length - 12 - length), text, tail]));
  }

  const stores: [string, () => Promise<{ open(): Promise<EventStore>; stop(): Promise<void> }>][] = [
    [
      'SQLite',
      async () => {
        const dir = tempDir();
        let n = 0;
        return {
          open: async () => new SqliteEventStore(join(dir.path, `ledger-${n++}.db`)),
          stop: async () => dir.remove(),
        };
      },
    ],
    [
      'EventStoreDB',
      async () => {
        const servers: EventStoreWireServer[] = [];
        return {
          open: async () => {
            const server = await new EventStoreWireServer({ batchAppend: true }).start();
            servers.push(server);
            return EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
          },
          stop: async () => void (await Promise.all(servers.map((s) => s.stop()))),
        };
      },
    ],
  ];

  describe.each(stores)('read model snapshots on %s', (_name, makeStores) => {
    const dir = tempDir();
    const path = join(dir.path, 'read-model.snapshot');
    let stores: Awaited<ReturnType<typeof makeStores>>;
    let store: EventStore;
    let head: bigint;
    let expected: unknown[];

    beforeAll(async () => {
      stores = await makeStores();
      store = await stores.open();
      const third = Math.floor(historyA.length / 3);
      await append(store, historyA.slice(0, third));
      const first = await startService(store, path);
      expect(first.said).toEqual([`info: no snapshot at ${path}: folding the log from the start`]);
      await append(store, historyA.slice(third, 2 * third));
      await first.service.reach(await store.headPosition());
      await first.service.stop();
      expect(first.said.at(-1)).toMatch(/^info: wrote a snapshot at position \d+ \(\d+ events, \d+ bytes\)/);
      // Recorded while no instance ran: the next start folds them after loading the snapshot.
      await append(store, historyA.slice(2 * third));
      head = await store.headPosition();
      expected = await rebuiltAnswers(store);
    });
    afterAll(async () => {
      await store.close();
      await stores.stop();
      dir.remove();
    });

    it('starts from the snapshot, folds the events recorded since, and answers as a rebuild', async () => {
      const { service, said } = await startService(store, path);
      expect(said).toEqual([expect.stringMatching(/^info: started from the snapshot .* at position \d+ \(\d+ events/)]);
      const covered = BigInt(/at position (\d+)/.exec(said[0]!)![1]!);
      expect(covered).toBeGreaterThan(0n);
      expect(covered).toBeLessThan(head);
      expect(await answers(service, head)).toEqual(expected);
      await service.stop();
    });

    it('ignores a snapshot made by another version of the read model, and rebuilds', async () => {
      rewriteTrailer(path, (trailer) => (trailer.code = 'an older fold'));
      const { service, said } = await startService(store, path);
      expect(said[0]).toMatch(
        /^warn: discarded the snapshot .*another version of the read model; folding the log from the start/,
      );
      expect(await answers(service, head)).toEqual(expected);
      await service.stop();
      // Its stop wrote a snapshot of this version, over the one it discarded.
      const next = await startService(store, path);
      expect(next.said[0]).toMatch(/^info: started from the snapshot/);
      await next.service.stop();
    });

    it('ignores a snapshot of another ledger', async () => {
      const other = await stores.open();
      try {
        await append(other, historyB);
        const otherPath = join(dir.path, 'other.snapshot');
        copyFileSync(path, otherPath);
        const { service, said } = await startService(other, otherPath);
        expect(said[0]).toMatch(/^warn: discarded .*another ledger/);
        expect(await answers(service, await other.headPosition())).toEqual(await rebuiltAnswers(other));
        await service.stop();
      } finally {
        await other.close();
      }
    });

    it('ignores a truncated or damaged snapshot, without failing', async () => {
      const damaged = join(dir.path, 'damaged.snapshot');
      copyFileSync(path, damaged);
      truncateSync(damaged, readFileSync(damaged).length - 40);
      const truncated = await startService(store, damaged);
      expect(truncated.said[0]).toMatch(/^warn: discarded .*truncated/);
      expect(await answers(truncated.service, head)).toEqual(expected);
      await truncated.service.stop();

      copyFileSync(path, damaged);
      const bytes = readFileSync(damaged);
      const at = Math.floor(bytes.length / 3);
      bytes[at] = bytes[at]! ^ 0xff;
      writeFileSync(damaged, bytes);
      const flipped = await startService(store, damaged);
      expect(flipped.said[0]).toMatch(/^warn: discarded .*(damaged|digest)/);
      expect(await answers(flipped.service, head)).toEqual(expected);
      await flipped.service.stop();
    });
  });

  describe('a snapshot ahead of the store', () => {
    const dir = tempDir();
    afterAll(() => dir.remove());

    it('is ignored when the ledger file was replaced by an older copy of itself', async () => {
      const file = join(dir.path, 'ledger.db');
      const older = join(dir.path, 'older.db');
      const path = join(dir.path, 'read-model.snapshot');
      let store = new SqliteEventStore(file);
      await append(store, historyA.slice(0, 6));
      const backup = new Database(file);
      backup.exec(`VACUUM INTO '${older}'`);
      backup.close();
      await append(store, historyA.slice(6));
      const first = await startService(store, path);
      await first.service.stop();
      await store.close();
      expect(existsSync(path)).toBe(true);
      // The file restored from the backup: the same ledger, but without the events the snapshot covers.
      for (const leftover of [`${file}-wal`, `${file}-shm`]) rmSync(leftover, { force: true });
      copyFileSync(older, file);
      store = new SqliteEventStore(file);
      try {
        const { service, said } = await startService(store, path);
        expect(said[0]).toMatch(/^warn: discarded .*beyond the store's head 6: the store was replaced/);
        expect(service.position).toBe(6n);
        expect(await answers(service, 6n)).toEqual(await rebuiltAnswers(store));
        await service.stop();
      } finally {
        await store.close();
      }
    });
  });
});
