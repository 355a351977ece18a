/**
 * A ledger file holding an event no reader can interpret (written behind the
 * ledger's back, or by an older version): that one event is set aside and
 * named, never every later query and command of its measure.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { contentHash } from '../../src/integrity/event-hash.js';
import { runCli } from '../support/cli.js';
import { imposeBody, M } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/unreadable-event', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  const badEventId = randomUUID();

  /** Appends an event straight into the file, with a valid hash chain so that only its content is wrong. */
  function writeRaw(type: string, data: unknown): void {
    const db = new Database(file);
    const last = db
      .prepare('SELECT revision, metadata FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
      .get(`measure-${M}`) as { revision: number; metadata: string };
    const metadata = {
      actor: 'old-version',
      commandId: randomUUID(),
      correlationId: 'x',
      causationId: 'x',
      schemaVersion: 1,
    };
    const hash = contentHash({ type, data, metadata }, JSON.parse(last.metadata).hash);
    db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      badEventId,
      `measure-${M}`,
      last.revision + 1,
      type,
      JSON.stringify(data),
      JSON.stringify({ ...metadata, hash }),
      new Date().toISOString(),
    );
    db.close();
  }

  const openApp = () => startTestApp({ store: new SqliteEventStore(file, { pollIntervalMs: 10 }) });

  beforeAll(async () => {
    dir = tempDir();
    file = join(dir.path, 'ledger.db');
    const t = await openApp();
    const post = (body: unknown) =>
      t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(body as object)
        .expect(201);
    await post(imposeBody());
    await post(imposeBody({ measureId: 'other-measure', subjects: ['beta'] }));
    await t.close();
    // What the bug of issue 12 stored: an instant whose UTC form left the year 0000.
    writeRaw('SubjectsAdded', { measureId: M, subjects: ['acme-x'], effectiveFrom: '-000001-12-31T23:59:00.000Z' });
  });
  afterAll(() => dir.remove());

  describe('a stored event that cannot be read', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await openApp();
    });
    afterAll(async () => {
      await t?.close();
    });
    const get = (path: string, query: Record<string, string> = {}) =>
      t.http.get(path).query(query).set(bearer('reader'));

    it('leaves other measures and their subjects answered as before, with no notice', async () => {
      const state = await get('/v1/subjects/beta/state').expect(200);
      expect(state.body.restricted.map((r: { measureId: string }) => r.measureId)).toEqual(['other-measure']);
      expect(state.body.notice).toBeUndefined();
      expect(state.body.setAside).toBeUndefined();
    });

    it('is named in every answer about its measure, which is otherwise answered without it', async () => {
      const paths = [
        '/v1/subjects/acme/state',
        '/v1/subjects/acme/check?category=exports',
        '/v1/subjects/acme/timeline',
        `/v1/measures/${M}`,
        '/v1/subjects/acme/replay',
        '/v1/subjects/acme/report',
      ];
      const answers = await Promise.all(paths.map((path) => get(path)));
      for (const [index, answer] of answers.entries()) {
        expect({ path: paths[index], status: answer.status }).toEqual({ path: paths[index], status: 200 });
        expect(answer.body.notice).toContain(`event ${badEventId}`);
        expect(answer.body.notice).toContain('effectiveFrom is not an instant');
      }
      const [state, check] = answers;
      expect(state!.body.restricted.map((r: { measureId: string }) => r.measureId)).toEqual([M]);
      expect(state!.body.setAside).toEqual([
        expect.objectContaining({ eventId: badEventId, measureId: M, type: 'SubjectsAdded' }),
      ]);
      expect(check!.body.status).toBe('restricted');
      // the subject only the unreadable event named is not made a subject of the measure
      expect((await get('/v1/subjects/acme-x/state').expect(200)).body.restricted).toEqual([]);
    });

    it('is named by regledger verify, which exits 5 while the log is otherwise intact', async () => {
      const verified = await runCli(['verify'], { LEDGER_DATA_DIR: dir.path });
      expect(verified.code).toBe(5);
      expect(verified.stderr).toContain(`UNREADABLE: event ${badEventId}`);
      const state = await runCli(['state', 'acme'], { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' });
      expect(state.code).toBe(0);
      expect(state.stdout).toContain(badEventId);
    });

    it('leaves commands on the measure working; correcting it is refused, retracting it repairs the measure', async () => {
      const post = (body: unknown) =>
        t.http
          .post('/v1/commands')
          .set(bearer('writer'))
          .send(body as object);
      await post({ type: 'AddSubjects', measureId: M, subjects: ['acme-y'], effectiveFrom: '2020-01-01' }).expect(201);
      const correction = await post({
        type: 'CorrectEntry',
        measureId: M,
        eventId: badEventId,
        reason: 'fix',
        replacement: { measureId: M, subjects: ['acme-x'], effectiveFrom: '2020-01-01' },
      }).expect(422);
      expect(correction.body.details[0]).toMatchObject({ rule: 'event-readable', field: 'eventId' });
      await post({
        type: 'RetractEntry',
        measureId: M,
        eventId: badEventId,
        reason: 'written with an instant before year 0000',
      }).expect(201);
      await post({ type: 'AddSubjects', measureId: M, subjects: ['acme-x'], effectiveFrom: '2020-01-01' }).expect(201);

      const state = await get('/v1/subjects/acme/state').expect(200);
      expect(state.body.notice).toBeUndefined();
      expect((await get('/v1/subjects/acme-x/state', { at: '2021-01-01' }).expect(200)).body.restricted).toEqual([
        expect.objectContaining({ measureId: M }),
      ]);
      // as known before the retraction, the answer still names it
      const before = await get('/v1/subjects/acme/state', { asOfPosition: '4' }).expect(200);
      expect(before.body.notice).toContain(badEventId);

      const verified = await runCli(['verify'], { LEDGER_DATA_DIR: dir.path });
      expect(verified.code).toBe(0);
    });
  });
});
