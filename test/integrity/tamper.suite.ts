/**
 * Tampering with the SQLite file behind regledger's back: `regledger verify`
 * must fail (exit 4) and name the event where the log stops being what was
 * recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FILE } from '../../src/package-root.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('integrity/tamper', () => {
  let dir: ReturnType<typeof tempDir>;
  let original = '';
  let digest = '';
  let rows: { position: number; event_id: string }[] = [];

  beforeAll(async () => {
    dir = tempDir();
    const data = join(dir.path, 'original');
    expect((await runCli(['import', DEMO_FILE], { LEDGER_DATA_DIR: data })).code).toBe(0);
    const verified = await runCli(['verify'], { LEDGER_DATA_DIR: data });
    expect(verified.code).toBe(0);
    digest = /digest:\s+(\d+:[0-9a-f]{64})/.exec(verified.stdout)![1]!;
    original = join(data, 'ledger.db');
    const db = new Database(original, { readonly: true });
    rows = db.prepare('SELECT position, event_id FROM events ORDER BY position').all() as typeof rows;
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });
  afterAll(() => dir.remove());

  /** A copy of the intact ledger, changed by `tamper`, then verified. */
  async function verifyAfter(name: string, tamper: (db: Database.Database) => void, args: string[] = []) {
    const data = join(dir.path, name);
    mkdirSync(data);
    copyFileSync(original, join(data, 'ledger.db'));
    const db = new Database(join(data, 'ledger.db'));
    tamper(db);
    db.close();
    return runCli(['verify', ...args], { LEDGER_DATA_DIR: data });
  }

  const eventAt = (position: number) => rows.find((r) => r.position === position)!.event_id;

  describe('regledger verify on a tampered SQLite file', () => {
    it('passes an intact ledger and prints its digest', async () => {
      const result = await verifyAfter('intact', () => {}, ['--digest', digest]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`digest:   ${digest}`);
    });

    it('names the event whose data was changed', async () => {
      const result = await verifyAfter('changed', (db) => {
        db.prepare("UPDATE events SET data = replace(data, '84 FR 22961', '84 FR 99999') WHERE position = ?").run(
          rows[0]!.position,
        );
      });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`event ${eventAt(rows[0]!.position)} at position ${rows[0]!.position}`);
      expect(result.stderr).toContain('no longer matches its hash');
    });

    it('names the event after a deleted one, and the revision that went missing', async () => {
      const deleted = rows[2]!;
      const result = await verifyAfter('deleted', (db) =>
        db.prepare('DELETE FROM events WHERE position = ?').run(deleted.position),
      );
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`event ${eventAt(rows[3]!.position)} at position ${rows[3]!.position}`);
      expect(result.stderr).toMatch(/revision 2 of \S+ is missing/);
    });

    it('catches the deletion of the newest event against an earlier digest', async () => {
      const last = rows[rows.length - 1]!;
      const tamper = (db: Database.Database) => db.prepare('DELETE FROM events WHERE position = ?').run(last.position);
      expect((await verifyAfter('truncated', tamper)).code).toBe(0);
      const result = await verifyAfter('truncated-digest', tamper, ['--digest', digest]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`fewer than the ${rows.length} of the digest`);
    });

    it('names the first of two events whose contents were swapped', async () => {
      const [a, b] = [rows[1]!.position, rows[4]!.position];
      const result = await verifyAfter('swapped-content', (db) => {
        const read = db.prepare('SELECT type, data, metadata FROM events WHERE position = ?');
        const write = db.prepare('UPDATE events SET type = ?, data = ?, metadata = ? WHERE position = ?');
        const [ra, rb] = [
          read.get(a) as { type: string; data: string; metadata: string },
          read.get(b) as { type: string; data: string; metadata: string },
        ];
        write.run(rb.type, rb.data, rb.metadata, a);
        write.run(ra.type, ra.data, ra.metadata, b);
      });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`at position ${a} `);
    });

    it('names the first of two whole events swapped in the log order', async () => {
      const [a, b] = [rows[1]!.position, rows[4]!.position];
      const result = await verifyAfter('swapped-rows', (db) => {
        db.transaction(() => {
          db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
          db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
          db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
        })();
      });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`event ${eventAt(b)} at position ${a} `);
    });
  });
});
