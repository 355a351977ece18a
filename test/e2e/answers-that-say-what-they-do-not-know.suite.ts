/**
 * An answer about a subject the ledger never named, or for a record time
 * before its first event, is still an answer ("not restricted"), but it says
 * what it does not know: `subjectKnown: false`, and a `notice`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/answers-that-say-what-they-do-not-know', () => {
  let t: TestApp;
  /**
   * One ledger holding one imposition per block: its tests only read, but for one that names a subject (acme-late)
   * no other test asks about.
   */
  function ledgerWithOneImposition(): void {
    beforeAll(async () => {
      t = await startTestApp();
      await t.http.post('/v1/commands').set(bearer('writer')).send(imposeBody()).expect(201);
    });
    afterAll(async () => {
      await t.close();
    });
  }

  const reader = bearer('reader');
  const get = (path: string) => t.http.get(path).set(reader).expect(200);
  const SUBJECT_ROUTES = ['state', 'check?category=exports', 'timeline', 'replay', 'replay?order=valid'];
  const withQuery = (route: string, query: string) => `${route}${route.includes('?') ? '&' : '?'}${query}`;

  describe('subjectKnown', () => {
    ledgerWithOneImposition();

    it.each(SUBJECT_ROUTES)('%s of a subject never named says subjectKnown: false', async (route) => {
      const response = await get(`/v1/subjects/hauwei/${route}`);
      expect(response.body.subjectKnown).toBe(false);
    });

    it.each(SUBJECT_ROUTES)('%s of a named subject says subjectKnown: true', async (route) => {
      const response = await get(`/v1/subjects/acme/${route}`);
      expect(response.body.subjectKnown).toBe(true);
    });

    it('a subject named only after the record time asked about is unknown as of then', async () => {
      const [first] = await t.store.readAll();
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({
          type: 'AddSubjects',
          measureId: imposeBody().measureId,
          subjects: ['acme-late'],
          effectiveFrom: '2019-08-19',
        })
        .expect(201);
      expect((await get(`/v1/subjects/acme-late/state?asOfPosition=${first!.position}`)).body.subjectKnown).toBe(false);
      expect((await get('/v1/subjects/acme-late/state')).body.subjectKnown).toBe(true);
    });

    it('the unknown subject is still answered: nothing restricts it', async () => {
      const response = await get('/v1/subjects/hauwei/check?category=exports');
      expect(response.body).toMatchObject({ status: 'not-restricted', subjectKnown: false });
    });
  });

  describe('a record time before the first recorded event', () => {
    ledgerWithOneImposition();

    const routes = [...SUBJECT_ROUTES, 'report'];

    it.each(routes)('%s?asOf=2019-07-01 on a ledger begun later carries a notice', async (route) => {
      const response = await get(`/v1/subjects/acme/${withQuery(route, 'asOf=2019-07-01')}`);
      expect(response.body.notice).toMatch(/asOf 2019-07-01T00:00:00.000Z precedes the first recorded event/);
    });

    it.each(routes)('%s?asOfPosition=0 on a non-empty ledger carries a notice', async (route) => {
      const response = await get(`/v1/subjects/acme/${withQuery(route, 'asOfPosition=0')}`);
      expect(response.body.notice).toMatch(/asOfPosition 0 precedes the first recorded event/);
    });

    it('answers for nothing known, not as if the question were about now', async () => {
      const response = await get('/v1/subjects/acme/check?category=exports&at=2019-07-01&asOf=2019-07-01');
      expect(response.body).toMatchObject({ status: 'not-restricted', asOfPosition: '0', subjectKnown: false });
    });

    it('an answer at or after the first record has no notice', async () => {
      const [first] = await t.store.readAll();
      expect((await get(`/v1/subjects/acme/state?asOfPosition=${first!.position}`)).body.notice).toBeUndefined();
      expect((await get('/v1/subjects/acme/state')).body.notice).toBeUndefined();
    });
  });
});
