/**
 * How the server serves the built web app: the page at / and at the app's own
 * routes without a key, hashed assets cached for good, everything else as
 * before (the API and unknown paths still need a key).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_ROOT } from '../../src/web/web-app.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('the web app, as served', () => {
  it('answers index.html at / and at the app routes, without a key, always revalidated', async () => {
    for (const path of ['/', '/subjects/huawei?category=exports&at=2019-08-20', '/measures/us-ear-entity-list-huawei', '/subjects/huawei/']) {
      const response = await t.http.get(path).expect(200).expect('content-type', /text\/html/);
      expect(response.text).toContain('<div id="app"></div>');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves the hashed assets with immutable caching, and a 404 for a missing one', async () => {
    const script = readdirSync(join(WEB_ROOT, 'assets')).find((f) => f.endsWith('.js'))!;
    const index = (await t.http.get('/').expect(200)).text;
    expect(index).toContain(`/assets/${script}`);
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = await t.http.get(`/assets/${script}`).expect(200).expect('content-type', /javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await t.http.get('/assets/no-such-file.js').expect(404);
  });

  it('leaves the API and other paths closed: 401 without a key, the API answering with one', async () => {
    await t.http.get('/v1/subjects').expect(401);
    await t.http.get('/subjects/huawei/check').expect(401);
    await t.http.get('/index.html').expect(401);
    await t.http.post('/').expect(401);
    await t.http.get('/v1/subjects').set(bearer('reader')).expect(200);
  });
});
