/**
 * GET /v1/subjects and GET /v1/measures: what the web app's search and the
 * CLI's `subjects` / `measures` list, on the demo plus a few more subjects;
 * and how the same server serves the built web app.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { DEMO_FILE } from '../../src/package-root.js';
import { WEB_ROOT } from '../../src/web/web-app.js';
import { runCli } from '../support/cli.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

describe('web/listings-and-serving', () => {
  let t: TestApp;
  // A ledger file, so the CLI reads what the server wrote.
  const dir = tempDir();
  beforeAll(async () => {
    t = await startTestApp({ store: new SqliteEventStore(join(dir.path, 'ledger.db')) });
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .set('Idempotency-Key', 'listings')
      .send([
        {
          type: 'ImposeRestriction',
          measureId: 'hu-other',
          title: 'Another list',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['huawei', 'hub-co', 'zte'],
          categories: ['exports'],
          effectiveFrom: '2019-01-01',
        },
        { type: 'AddSubjects', measureId: 'hu-other', subjects: ['hua-late'], effectiveFrom: '2019-02-01' },
      ])
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  const get = (path: string) => t.http.get(path).set(bearer('reader'));

  describe('GET /v1/subjects', () => {
    it('lists subjects by id with the measures naming them, their event count and first and last record', async () => {
      const { body } = await get('/v1/subjects?prefix=hua').expect(200);
      expect(body.items.map((s: { subjectId: string }) => s.subjectId)).toEqual([
        'hua-late',
        'huawei',
        'huawei-affiliate-aug-01',
        'huawei-affiliate-aug-02',
        'huawei-affiliate-aug-03',
        'huawei-affiliate-aug-04',
        'huawei-cloud',
        'huawei-device',
        'huawei-marine',
        'huawei-technologies-japan',
        'huawei-technologies-uk',
      ]);
      const huawei = body.items[1];
      expect(huawei.measures).toEqual([
        { measureId: 'hu-other', title: 'Another list' },
        { measureId: 'us-ear-entity-list-huawei', title: expect.stringContaining('Entity List: Huawei') },
      ]);
      // all 7 demo events, and both of hu-other's (named from its first)
      expect(huawei.events).toBe(9);
      expect(huawei.firstRecord.position).toBe('1');
      expect(huawei.lastRecord.position).toBe('9');
      // named by the demo's fifth event: counted from there
      expect(body.items[2]).toMatchObject({
        subjectId: 'huawei-affiliate-aug-01',
        events: 3,
        firstRecord: { position: '5' },
        lastRecord: { position: '7' },
      });
      expect(body.next).toBeNull();
    });

    it('pages by id: `next` is the `after` of the following page, and the pages add up to the whole list', async () => {
      const first = (await get('/v1/subjects?limit=2').expect(200)).body;
      expect(first.items).toHaveLength(2);
      expect(first.next).toBe(first.items[1].subjectId);
      const seen = [...first.items];
      let next = first.next;
      while (next) {
        const page = (await get(`/v1/subjects?limit=2&after=${next}`).expect(200)).body;
        seen.push(...page.items);
        next = page.next;
      }
      const all = (await get('/v1/subjects').expect(200)).body.items;
      expect(seen.map((s) => s.subjectId)).toEqual(all.map((s: { subjectId: string }) => s.subjectId));
      expect(all.map((s: { subjectId: string }) => s.subjectId)).toEqual(
        [...all.map((s: { subjectId: string }) => s.subjectId)].sort(),
      );
    });

    it('answers bad input with 400 naming the field and the rule', async () => {
      const { body } = await get('/v1/subjects?limit=0&prefix=Hu%20').expect(400);
      expect(body.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'limit', rule: 'isInRange' }),
          expect.objectContaining({ field: 'prefix', rule: 'isIdPrefix' }),
        ]),
      );
      await get('/v1/subjects?after=NOT_AN_ID').expect(400);
      await get('/v1/subjects?cursor=x').expect(400);
      await t.http.get('/v1/subjects').expect(401);
    });
  });

  describe('GET /v1/measures', () => {
    it('lists measures with title, subject and event counts and first and last record', async () => {
      const { body } = await get('/v1/measures').expect(200);
      expect(body.items).toEqual([
        {
          measureId: 'hu-other',
          title: 'Another list',
          subjects: 4,
          events: 2,
          firstRecord: { position: '8', recordedAt: expect.any(String) },
          lastRecord: { position: '9', recordedAt: expect.any(String) },
        },
        expect.objectContaining({
          measureId: 'us-ear-entity-list-huawei',
          subjects: 11,
          events: 7,
          firstRecord: expect.objectContaining({ position: '1' }),
        }),
      ]);
      expect((await get('/v1/measures?prefix=us-').expect(200)).body.items).toHaveLength(1);
      expect((await get('/v1/measures?prefix=nothing').expect(200)).body).toEqual({ items: [], next: null });
    });

    it('is in the OpenAPI document with its parameters and answer', async () => {
      const { body } = await t.http.get('/docs/openapi.json').expect(200);
      for (const path of ['/v1/subjects', '/v1/measures']) {
        const operation = body.paths[path].get;
        expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
          'X-Min-Position',
          'after',
          'limit',
          'minPosition',
          'prefix',
        ]);
        expect(operation.responses['200'].content['application/json'].schema.$ref).toMatch(/PageDto$/);
      }
    });
  });

  describe('regledger subjects / measures', () => {
    it('print the same listings from the data directory', async () => {
      const env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
      const subjects = await runCli(['subjects', '--prefix', 'hu'], env);
      expect(subjects.stdout).toMatch(
        /^huawei {2}9 events in hu-other, us-ear-entity-list-huawei; first recorded .* \(position 1\), last .* \(position 9\)$/m,
      );
      expect(subjects.stdout).toMatch(/^huawei-affiliate-aug-01 {2}3 events/m);
      expect(subjects.stdout).not.toMatch(/^zte/m);
      const measures = JSON.parse((await runCli(['measures', '--limit', '1', '--json'], env)).stdout);
      expect(measures).toMatchObject({ items: [{ measureId: 'hu-other', subjects: 4, events: 2 }], next: 'hu-other' });
    });
  });

  describe('the web app, as served', () => {
    it('answers index.html at / and at the app routes, without a key, always revalidated', async () => {
      for (const path of [
        '/',
        '/subjects/huawei?category=exports&at=2019-08-20',
        '/measures/us-ear-entity-list-huawei',
        '/subjects/huawei/',
      ]) {
        const response = await t.http
          .get(path)
          .expect(200)
          .expect('content-type', /text\/html/);
        expect(response.text).toContain('<div id="app"></div>');
        expect(response.headers['cache-control']).toBe('no-cache');
      }
    });

    it('serves the hashed assets with immutable caching, and a 404 for a missing one', async () => {
      const script = readdirSync(join(WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'))!;
      const index = (await t.http.get('/').expect(200)).text;
      expect(index).toContain(`/assets/${script}`);
      expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const asset = await t.http
        .get(`/assets/${script}`)
        .expect(200)
        .expect('content-type', /javascript/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      await t.http.get('/assets/no-such-file.js').expect(404);
    });

    it('leaves the API and other paths closed: 401 without a key', async () => {
      await t.http.get('/subjects/huawei/check').expect(401);
      await t.http.get('/index.html').expect(401);
      await t.http.post('/').expect(401);
    });
  });
});
