/**
 * `If-None-Match` turns a 200 into a 304, and nothing else: a request with a
 * typo, an unreadable value or a subject or measure the ledger does not hold
 * is told so as without the header (DOMAIN.md: a typo is never answered as if
 * it were not there), even with `*`, which matches any tag.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { imposeBody } from '../support/commands.js';

describe('e2e/not-modified-only-for-answers', () => {
  let t: TestApp;
  let first: string;
  const reader = bearer('reader');

  beforeAll(async () => {
    t = await startTestApp();
    const written = await t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send(imposeBody({ measureId: 'm', subjects: ['s'], effectiveFrom: '2019-01-01' }));
    expect(written.status).toBe(201);
    first = written.body.position as string;
  });
  afterAll(async () => {
    await t.close();
  });

  const refused = () =>
    [
      ['an unreadable at', '/v1/subjects/s/state?at=bogus', 400, 'at'],
      ['a misspelt parameter', '/v1/subjects/s/state?at=2020-01-01&asof=2020-05-01', 400, 'asof'],
      ['a check without its category', '/v1/subjects/s/check?at=2020-01-01', 400, 'category'],
      [
        'asOf with asOfPosition',
        `/v1/subjects/s/state?at=2020-01-01&asOfPosition=${first}&asOf=2020-01-01`,
        400,
        'asOf',
      ],
      ['to before from', '/v1/subjects/s/timeline?from=2021-01-01&to=2020-01-01', 400, 'to'],
      ['a malformed subject', '/v1/subjects/BAD!/state?at=2020-01-01', 400, 'subject'],
      ['a negative asOfPosition', '/v1/measures/m?at=2020-01-01&asOfPosition=-1', 400, 'asOfPosition'],
      ['an unknown measure', `/v1/measures/ghost?at=2020-01-01&asOfPosition=${first}`, 404, undefined],
    ] as const;

  it.each(['*', 'W/"any", "other"'])(
    'with If-None-Match: %s, a request that would not be a 200 gets the same answer as without the header',
    async (header) => {
      for (const [what, path, status, field] of refused()) {
        const plain = await t.http.get(path).set(reader);
        expect({ what, status: plain.status }).toEqual({ what, status });
        if (field) expect(JSON.stringify(plain.body)).toContain(field);
        const withHeader = await t.http.get(path).set(reader).set('If-None-Match', header);
        expect({ what, status: withHeader.status, body: withHeader.body as unknown }).toEqual({
          what,
          status,
          body: plain.body as unknown,
        });
        expect(withHeader.headers.etag).toBeUndefined();
      }
    },
  );

  it('with If-None-Match: *, a request that would be a 200 is a 304 carrying the tag and no body', async () => {
    const path = `/v1/subjects/s/state?at=2020-01-01&asOfPosition=${first}`;
    const answer = await t.http.get(path).set(reader).expect(200);
    const revalidated = await t.http.get(path).set(reader).set('If-None-Match', '*').expect(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers.etag).toBe(answer.headers.etag);
    expect(revalidated.headers['content-type']).toBeUndefined();
  });
});
