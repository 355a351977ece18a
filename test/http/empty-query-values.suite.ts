/**
 * An empty query value is refused, never taken as absent: `subject=` from an
 * empty variable must not stream every event, `after=` from an empty
 * checkpoint must not skip all history, and `at=`, a bare `at` or an empty
 * X-Min-Position must not answer for now or the head as if asked.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('http/empty-query-values', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const refusedNaming = async (url: string, field: string, headers: Record<string, string> = {}) => {
    const response = await t.http.get(url).set(bearer('reader')).set(headers);
    expect({ url, status: response.status }).toEqual({ url, status: 400 });
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.details).toContainEqual(
      expect.objectContaining({ field, rule: 'isNotEmpty', message: expect.stringContaining(`${field} is empty`) }),
    );
  };

  it('the change feeds refuse an empty filter or resume point before the stream starts', async () => {
    for (const name of ['subject', 'type', 'measure']) await refusedNaming(`/v1/changes?after=0&${name}=`, name);
    await refusedNaming('/v1/changes?after=', 'after');
    await refusedNaming('/v1/changes/effective?subject=', 'subject');
    await refusedNaming('/v1/changes/effective?after=', 'after');
  });

  it('the queries refuse an empty or bare valid time, record time or position', async () => {
    await refusedNaming('/v1/subjects/huawei/state?at=', 'at');
    await refusedNaming('/v1/subjects/huawei/state?at', 'at');
    await refusedNaming('/v1/subjects/huawei/state?asOf=', 'asOf');
    await refusedNaming('/v1/subjects/huawei/state?asOfPosition=', 'asOfPosition');
    await refusedNaming('/v1/subjects/huawei/state?minPosition=', 'minPosition');
    await refusedNaming('/v1/subjects/huawei/timeline?from=', 'from');
  });

  it('an empty X-Min-Position header is refused, naming it', async () => {
    await refusedNaming('/v1/subjects/huawei/state', 'X-Min-Position', { 'X-Min-Position': '' });
  });

  it('a parameter left out is still the default', async () => {
    await t.http.get('/v1/subjects/huawei/state').set(bearer('reader')).expect(200);
  });
});
