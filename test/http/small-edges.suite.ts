/**
 * Small edges of the HTTP API: a replay window that ends before it starts is
 * refused as the timeline refuses it (400 isAfter), not answered with no
 * steps; a webhook id is a UUID in either case.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('http/small-edges', () => {
  let t: TestApp;
  let savedAllow: string | undefined;
  beforeAll(async () => {
    savedAllow = process.env.LEDGER_WEBHOOK_ALLOW;
    process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    if (savedAllow === undefined) delete process.env.LEDGER_WEBHOOK_ALLOW;
    else process.env.LEDGER_WEBHOOK_ALLOW = savedAllow;
  });

  it('a replay whose to is not after its from is a 400 isAfter, as on the timeline', async () => {
    for (const route of ['replay', 'timeline']) {
      const response = await t.http
        .get(`/v1/subjects/huawei/${route}?from=2020-01-01&to=2019-01-01`)
        .set(bearer('reader'));
      expect({ route, status: response.status }).toEqual({ route, status: 400 });
      expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'to', rule: 'isAfter' }));
    }
    await t.http.get('/v1/subjects/huawei/replay?from=2019-01-01&to=2020-01-01').set(bearer('reader')).expect(200);
  });

  it('a webhook is found by its id in upper case too', async () => {
    const admin = bearer('admin');
    const created = await t.http.post('/v1/webhooks').set(admin).send({ url: 'http://127.0.0.1:9/x', feed: 'ledger' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const shown = await t.http.get(`/v1/webhooks/${id.toUpperCase()}`).set(admin);
    expect(shown.status).toBe(200);
    expect(shown.body.id).toBe(id);
    await t.http.delete(`/v1/webhooks/${id.toUpperCase()}`).set(admin).expect(204);
    await t.http.get(`/v1/webhooks/${id}`).set(admin).expect(404);
  });
});
