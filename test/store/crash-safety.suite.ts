import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/crash-safety', () => {
  interface Ack {
    i: number;
    ids: string[];
    position: string;
  }

  describe('embedded store crash safety', () => {
    it('keeps every acknowledged append, intact, when the writer is killed with SIGKILL', async () => {
      const dir = tempDir();
      const dbPath = join(dir.path, 'ledger.db');
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, '../support/append-child.mjs'), dbPath, 'measure-crash', 'forever', '2048'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const acks: Ack[] = [];
      const exited = new Promise((resolve) => child.on('exit', resolve));
      for await (const line of createInterface({ input: child.stdout })) {
        acks.push(JSON.parse(line) as Ack);
        if (acks.length === 300) child.kill('SIGKILL');
      }
      await exited;
      expect(acks.length).toBeGreaterThanOrEqual(300);

      const store = new SqliteEventStore(dbPath);
      try {
        const events = await store.readStream('measure-crash');
        const byId = new Map(events.map((e) => [e.eventId, e]));
        for (const ack of acks) {
          ack.ids.forEach((id, part) => {
            const stored = byId.get(id);
            expect(stored?.data).toEqual({ i: ack.i, part, padding: 'x'.repeat(2048) });
          });
          expect(String(byId.get(ack.ids[1]!)!.position)).toBe(ack.position);
        }
        // Every append is two events: a half-written append would leave an odd count or a lone part.
        expect(events.length % 2).toBe(0);
        events.forEach((e, index) => expect(e.data).toMatchObject({ i: Math.floor(index / 2), part: index % 2 }));
        expect(events.length / 2).toBeGreaterThanOrEqual(acks.length);
        expect(events.length / 2).toBeLessThanOrEqual(acks.length + 1);
      } finally {
        await store.close();
        dir.remove();
      }
    });
  });
});
