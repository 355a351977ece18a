/**
 * Query answers a client or a cache may keep: one as of an explicit
 * position the ledger has reached never changes (strong ETag, immutable);
 * one at the head is tagged with its position and parameters, so a
 * revalidation is a 304 until the ledger moves. An answer for "now" (no
 * `at`) is never tagged: the clock alone can change it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/cacheable-answers', () => {
  let t: TestApp;
  let first: string;
  const reader = bearer('reader');

  async function write(command: Record<string, unknown>): Promise<string> {
    return (await t.http.post('/v1/commands').set(bearer('writer')).send(command).expect(201)).body.position as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    first = await write({
      type: 'ImposeRestriction',
      measureId: 'm',
      title: 'entity list',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: ['s'],
      categories: ['exports'],
      effectiveFrom: '2019-01-01',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('an answer as of an explicit position at or below the head', () => {
    const paths = () => [
      `/v1/subjects/s/check?category=exports&at=2020-01-01&asOfPosition=${first}`,
      `/v1/subjects/s/state?at=2020-01-01&asOfPosition=${first}`,
      `/v1/subjects/s/timeline?asOfPosition=${first}`,
      `/v1/measures/m?at=2020-01-01&asOfPosition=${first}`,
    ];

    it('carries a strong ETag and immutable caching, and If-None-Match gets a 304 even after the ledger has moved', async () => {
      const answers = [];
      for (const path of paths()) {
        const answer = await t.http.get(path).set(reader).expect(200);
        expect(answer.headers.etag).toMatch(/^"[^"]+"$/);
        expect(answer.headers['cache-control']).toBe('private, max-age=31536000, immutable');
        answers.push(answer);
      }
      await write({ type: 'AddSubjects', measureId: 'm', subjects: ['s2'], effectiveFrom: '2019-06-01' });
      for (const [i, path] of paths().entries()) {
        const revalidated = await t.http
          .get(path)
          .set(reader)
          .set('If-None-Match', answers[i]!.headers.etag!)
          .expect(304);
        expect(revalidated.text).toBe('');
        expect(revalidated.headers.etag).toBe(answers[i]!.headers.etag);
        // And what it stands for is indeed what the ledger still answers.
        const again = await t.http.get(path).set(reader).expect(200);
        expect(again.body).toEqual(answers[i]!.body);
        expect(again.headers.etag).toBe(answers[i]!.headers.etag);
      }
    });

    it('differs with the parameters, so one answer is never revalidated as another', async () => {
      const exports = await t.http
        .get(`/v1/subjects/s/check?category=exports&at=2020-01-01&asOfPosition=${first}`)
        .set(reader)
        .expect(200);
      const earlier = await t.http
        .get(`/v1/subjects/s/check?category=exports&at=2018-01-01&asOfPosition=${first}`)
        .set(reader)
        .set('If-None-Match', exports.headers.etag!)
        .expect(200);
      expect(earlier.headers.etag).not.toBe(exports.headers.etag);
      expect(earlier.body.status).not.toBe(exports.body.status);
    });

    it('is not immutable when the position is beyond the head: it is answered for the head, with a notice', async () => {
      const head = await write({ type: 'AddSubjects', measureId: 'm', subjects: ['s3'], effectiveFrom: '2019-06-01' });
      const beyond = await t.http
        .get(`/v1/subjects/s/check?category=exports&at=2020-01-01&asOfPosition=${BigInt(head) + 1000n}`)
        .set(reader)
        .expect(200);
      expect(beyond.body.notice).toMatch(/beyond the ledger's head/);
      expect(beyond.headers['cache-control'] ?? '').not.toMatch(/immutable/);
      expect(beyond.headers.etag).toBeUndefined();
    });
  });

  describe('an answer at the head', () => {
    const path = '/v1/subjects/s/check?category=exports&at=2020-01-01';

    it('carries a weak ETag from the position: a 304 while the ledger stands still, the new answer once it moves', async () => {
      const answer = await t.http.get(path).set(reader).expect(200);
      expect(answer.headers.etag).toMatch(/^W\/"/);
      expect(answer.headers['cache-control']).toBeUndefined();
      await t.http.get(path).set(reader).set('If-None-Match', answer.headers.etag!).expect(304);
      await write({ type: 'AddSubjects', measureId: 'm', subjects: ['s4'], effectiveFrom: '2019-06-01' });
      const moved = await t.http.get(path).set(reader).set('If-None-Match', answer.headers.etag!).expect(200);
      expect(moved.headers.etag).not.toBe(answer.headers.etag);
      expect(BigInt(moved.body.asOfPosition)).toBeGreaterThan(BigInt(answer.body.asOfPosition));
    });

    it('is not tagged when it is for now (no `at`): the clock alone may change it', async () => {
      const answer = await t.http.get('/v1/subjects/s/check?category=exports').set(reader).expect(200);
      expect(answer.headers.etag).toBeUndefined();
      await t.http.get('/v1/subjects/s/check?category=exports').set(reader).set('If-None-Match', '*').expect(200);
    });

    it('is checked for its key before a 304: a reader without one gets 401, not a hint', async () => {
      const answer = await t.http.get(path).set(reader).expect(200);
      await t.http.get(path).set('If-None-Match', answer.headers.etag!).expect(401);
    });
  });
});
