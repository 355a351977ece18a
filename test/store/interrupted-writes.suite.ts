/**
 * Killed in the middle of grouped commits or of a pipelined import, the
 * embedded ledger keeps every acknowledged write once and nothing half-written,
 * and an interrupted import run again completes without appending anything twice.
 */
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CLI, runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/interrupted-writes', () => {
  interface Ack {
    w: number;
    i: number;
    ids: string[];
    position: string;
  }

  const WRITERS = 16;

  describe('interrupted writes', () => {
    it('keeps every acknowledged append of grouped commits, once and whole, when the writer is killed with SIGKILL', async () => {
      const dir = tempDir();
      const dbPath = join(dir.path, 'ledger.db');
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, '../support/group-append-child.mjs'), dbPath, String(WRITERS)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const acks: Ack[] = [];
      const exited = new Promise((resolve) => child.on('exit', resolve));
      for await (const line of createInterface({ input: child.stdout })) {
        acks.push(JSON.parse(line) as Ack);
        if (acks.length === 600) child.kill('SIGKILL');
      }
      await exited;

      const store = new SqliteEventStore(dbPath);
      try {
        const events = await store.readAll();
        const byId = new Map(events.map((e) => [e.eventId, e]));
        expect(byId.size).toBe(events.length);
        // Groups formed: some commits carried appends of several writers.
        expect(new Set(acks.map((a) => a.position)).size).toBe(acks.length);
        expect(new Set(events.map((e) => e.recordedAt)).size).toBeLessThan(events.length / 4);
        for (const ack of acks) {
          ack.ids.forEach((id, part) => expect(byId.get(id)?.data).toMatchObject({ w: ack.w, i: ack.i, part }));
          expect(String(byId.get(ack.ids[1]!)!.position)).toBe(ack.position);
        }
        for (let w = 0; w < WRITERS; w++) {
          const stream = events.filter((e) => e.streamId === `writer-${w}`);
          // Two events per append: a half-written one would leave a lone part.
          expect(stream.length % 2).toBe(0);
          stream.forEach((e, index) => expect(e.data).toMatchObject({ w, i: Math.floor(index / 2), part: index % 2 }));
          const acked = acks.filter((a) => a.w === w).length;
          expect(stream.length / 2).toBeGreaterThanOrEqual(acked);
          expect(stream.length / 2).toBeLessThanOrEqual(acked + 1);
        }
      } finally {
        await store.close();
        dir.remove();
      }
    });

    it('loses no committed chunk of an import killed mid-way, and the rerun appends each command once', async () => {
      const dir = tempDir();
      const env = { LEDGER_DATA_DIR: dir.path };
      const COMMANDS = 3_000;
      const file = join(dir.path, 'commands.ndjson');
      const command = (m: number) => ({
        type: 'ImposeRestriction',
        measureId: `m${m}`,
        title: `measure ${m}`,
        jurisdiction: 'US',
        authority: 'BIS',
        subjects: [`s${m}`],
        categories: ['exports'],
        effectiveFrom: '2019-01-01',
      });
      writeFileSync(file, Array.from({ length: COMMANDS }, (_, m) => JSON.stringify(command(m))).join('\n'));

      // Killed as soon as a first chunk is committed: the import is then a chunk or two into its file. A commit
      // writes the ledger's files, so the head is looked at on each change to them (read-only, so that watching
      // takes no write lock from the import).
      const watcher = watch(dir.path);
      const child = spawn(process.execPath, [CLI, 'import', file], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
      let finished = false;
      const exited = new Promise((resolve) => child.on('exit', resolve)).then(() => {
        finished = true;
        watcher.close();
      });
      const committed = () => {
        try {
          const reader = new Database(join(dir.path, 'ledger.db'), { readonly: true, fileMustExist: true });
          try {
            return (reader.prepare('SELECT COALESCE(MAX(position), 0) AS head FROM events').get() as { head: number })
              .head;
          } finally {
            reader.close();
          }
        } catch {
          return 0; // not created yet
        }
      };
      await new Promise<void>((resolve) => {
        const look = () => {
          if (!finished && committed() === 0) return;
          watcher.off('change', look);
          resolve();
        };
        watcher.on('change', look);
        void exited.then(look);
      });
      expect(finished).toBe(false);
      child.kill('SIGKILL');
      await exited;

      const count = async () => {
        const store = new SqliteEventStore(join(dir.path, 'ledger.db'));
        const events = await store.readAll();
        await store.close();
        expect(new Set(events.map((e) => e.metadata.commandId)).size).toBe(events.length);
        events.forEach((e, index) => expect(e.streamId).toBe(`measure-m${index}`));
        return events.length;
      };
      const survived = await count();
      expect(survived).toBeGreaterThan(0);
      expect(survived).toBeLessThan(COMMANDS);

      const rerun = await runCli(['import', file], env);
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain(`${COMMANDS - survived} applied, ${survived} already`);
      expect(await count()).toBe(COMMANDS);
      dir.remove();
    }, 60_000);
  });
});
