/**
 * Over HTTP, a full disk and a damaged file are told apart from the ledger's
 * answers: 507 or 503, each naming the file, never a bare 500 or a model
 * "catching up" forever.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ReadModelService } from '../../src/queries/read-model.service.js';
import { imposeBody } from '../support/commands.js';
import { scribbleMidFile, writeLedger } from '../support/damage.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

describe('app/storage-failures-http', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let t: TestApp | undefined;
  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'ledger.db');
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    dir.remove();
  });

  describe('a full disk', () => {
    it('answers commands 507 naming the file, and records nothing more', async () => {
      const store = new SqliteEventStore(path);
      t = await startTestApp({ store });
      await t.http.post('/v1/commands').set(bearer('writer')).send(imposeBody()).expect(201);
      // The file may grow no further: SQLite answers SQLITE_FULL, as on a full disk.
      const pages = (store.pragma('page_count') as { page_count: number }[])[0]!.page_count;
      store.pragma(`max_page_count = ${pages}`);
      const many = Array.from({ length: 60 }, (_, i) =>
        imposeBody({ measureId: `m-${i}`, title: `Measure ${i} ${'x'.repeat(480)}` }),
      );
      const batch = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .set('Idempotency-Key', 'full-disk')
        .send(many);
      expect(batch.status).toBe(507);
      expect(batch.body).toMatchObject({
        statusCode: 507,
        error: 'Insufficient Storage',
        message: expect.stringContaining(`the disk holding ${path} is full`),
      });
      const recorded = (await store.readAll()).length;
      // The batch stopped at the command that did not fit; the ones before it are reported as applied.
      expect(recorded).toBe(1 + batch.body.results.length);

      // A batch commits in chunks: the one that did not fit was undone whole, and its pages are free again. Hold the file at
      // its size once more, and send a command larger than a page.
      const now = (store.pragma('page_count') as { page_count: number }[])[0]!.page_count;
      store.pragma(`max_page_count = ${now}`);
      const subjects = Array.from({ length: 60 }, (_, i) => `subject-${i}-${'s'.repeat(100)}`);
      const one = await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'one-more', title: 'y'.repeat(500), subjects }));
      expect(one.status).toBe(507);
      expect(one.body.message).toMatch(new RegExp(`^the disk holding ${path} is full .*: free some space$`));
      expect((await store.readAll()).length).toBe(recorded);
    });
  });

  describe('a page damaged while the server runs', () => {
    it('makes health say failed with the reason, and queries answer 503 with it', async () => {
      await writeLedger(path);
      const store = new SqliteEventStore(path);
      store.pragma('cache_size = 0'); // read from the file, not from pages cached before the damage
      scribbleMidFile(path);
      t = await startTestApp({ store });

      // The read model folds the file from the start, so it meets the damage before it could catch up: once it
      // says it has caught up or stopped, it has stopped.
      await t.app.get(ReadModelService).caughtUp();
      const health = await t.http.get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(new RegExp(`^${path} is damaged`)),
      });

      const query = await t.http.get('/v1/subjects/acme/state').set(bearer('reader'));
      expect(query.status).toBe(503);
      expect(query.body.message).toBe(`the ledger cannot answer: ${health.body.reason}`);
    });
  });
});
