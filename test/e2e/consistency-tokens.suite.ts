/**
 * Two instances on one ledger (one SQLite file, or one EventStoreDB), each
 * with its own read model folding the log a little behind the other: a
 * position a command answered through one is a consistency token on the
 * other. Asked as of that position, or with it as `minPosition`, the other
 * answers with the write, never for a stale head and never with a false
 * "beyond the head".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { imposeBody } from '../support/commands.js';
import { twoStoresOnOneLedger } from '../support/one-ledger.js';

describe('e2e/consistency-tokens', () => {
  describe('positions as consistency tokens across instances', () => {
    let a: TestApp;
    let b: TestApp;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      // B polls the file every 100 ms: behind A when asked right after A's write, without long waits for it.
      const ledger = await twoStoresOnOneLedger(100);
      stop = ledger.stop;
      a = await startTestApp({ store: ledger.stores[0] });
      b = await startTestApp({ store: ledger.stores[1] });
      await a.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'm', subjects: ['s0'], effectiveFrom: '2019-01-01' }))
        .expect(201);
    });

    afterAll(async () => {
      await a.close();
      await b.close();
      await stop();
    });

    /** A subject added through A; answers the position A acknowledged. */
    async function addThroughA(subject: string): Promise<string> {
      const response = await a.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({ type: 'AddSubjects', measureId: 'm', subjects: [subject], effectiveFrom: '2019-01-01' })
        .expect(201);
      return response.body.position as string;
    }

    it('tags an answer as of a position written through the other instance as immutable only once it has waited for it', async () => {
      const position = await addThroughA('cached-as-of');
      const answer = await b.http
        .get(`/v1/subjects/cached-as-of/check?category=exports&at=2020-01-01&asOfPosition=${position}`)
        .set(bearer('reader'))
        .expect(200);
      expect(answer.body).toMatchObject({ asOfPosition: position, subjectKnown: true });
      expect(answer.body.notice).toBeUndefined();
      expect(answer.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      await b.http
        .get(`/v1/subjects/cached-as-of/check?category=exports&at=2020-01-01&asOfPosition=${position}`)
        .set(bearer('reader'))
        .set('If-None-Match', answer.headers.etag!)
        .expect(304);
    });

    it('answers asOfPosition from another instance with the write, never "beyond the head"', async () => {
      for (let i = 1; i <= 8; i++) {
        const position = await addThroughA(`as-of-${i}`);
        const check = await b.http
          .get(`/v1/subjects/as-of-${i}/check?category=exports&at=2020-01-01&asOfPosition=${position}`)
          .set(bearer('reader'))
          .expect(200);
        expect(check.body).toMatchObject({ status: 'restricted', asOfPosition: position, subjectKnown: true });
        expect(check.body.notice).toBeUndefined();
      }
    });

    it('answers at the head, but not before it has the position, with minPosition or X-Min-Position', async () => {
      for (let i = 1; i <= 4; i++) {
        const position = await addThroughA(`min-${i}`);
        const byQuery = await b.http
          .get(`/v1/subjects/min-${i}/state?at=2020-01-01&minPosition=${position}`)
          .set(bearer('reader'))
          .expect(200);
        expect(byQuery.body.restricted.map((r: { measureId: string }) => r.measureId)).toEqual(['m']);
        expect(BigInt(byQuery.body.asOfPosition)).toBeGreaterThanOrEqual(BigInt(position));
        const next = await addThroughA(`min-header-${i}`);
        const byHeader = await b.http
          .get(`/v1/subjects/min-header-${i}/check?category=exports&at=2020-01-01`)
          .set(bearer('reader'))
          .set('X-Min-Position', next)
          .expect(200);
        expect(byHeader.body.status).toBe('restricted');
      }
    });

    it('pages the log from another instance up to the position', async () => {
      const position = await addThroughA('events-1');
      const page = await b.http
        .get(`/v1/events?after=0&limit=1000&minPosition=${position}`)
        .set(bearer('reader'))
        .expect(200);
      expect(page.body.events.map((e: { position: string }) => e.position)).toContain(position);
    });

    it("still says so when asOfPosition is beyond the store's head", async () => {
      const position = await addThroughA('beyond-1');
      const beyond = (BigInt(position) + 1_000_000n).toString();
      const check = await b.http
        .get(`/v1/subjects/beyond-1/check?category=exports&at=2020-01-01&asOfPosition=${beyond}`)
        .set(bearer('reader'))
        .expect(200);
      expect(check.body.status).toBe('restricted');
      expect(check.body.notice).toMatch(/beyond the ledger's head/);
    });

    it('answers 503 with Retry-After for a position the ledger does not hold yet, and 400 for a position that is not one', async () => {
      const far = await b.http
        .get('/v1/subjects/s0/state?minPosition=9000000000000000')
        .set(bearer('reader'))
        .expect(503);
      expect(far.headers['retry-after']).toBe('1');
      expect(far.body).toMatchObject({
        statusCode: 503,
        error: expect.any(String),
        message: expect.stringMatching(/minPosition 9000000000000000 is beyond the ledger's head/),
      });
      expect(far.body.details).toEqual([expect.objectContaining({ field: 'minPosition', rule: 'withinHead' })]);
      const bad = await b.http.get('/v1/subjects/s0/state?minPosition=-1').set(bearer('reader')).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'minPosition', rule: 'isPosition' })]);
      const badHeader = await b.http
        .get('/v1/subjects/s0/state')
        .set(bearer('reader'))
        .set('X-Min-Position', 'soon')
        .expect(400);
      expect(badHeader.body.details).toEqual([
        expect.objectContaining({ field: 'X-Min-Position', rule: 'isPosition' }),
      ]);
    });
  });
});
