/**
 * One command names at most MAX_CATEGORIES_PER_COMMAND categories and
 * MAX_SUBJECTS_PER_COMMAND subjects: past them, a 400 naming the field and
 * the rule, and nothing written. Up to them, the command is recorded, and a
 * larger measure is recorded through several commands.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_CATEGORIES_PER_COMMAND, MAX_SUBJECTS_PER_COMMAND } from '../../src/domain/command-limits.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/command-limits', () => {
  // The server's default body limit (1 MB), which a command at both caps fits in.
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ bodyLimit: '1mb' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const writer = bearer('writer');
  const categories = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `c${from + i}/x`);
  const subjects = (n: number) => Array.from({ length: n }, (_, i) => `s-${i}`);

  it.each([
    [
      'categories',
      'ImposeRestriction',
      () => imposeBody({ measureId: 'too-many-c', categories: categories(MAX_CATEGORIES_PER_COMMAND + 1) }),
    ],
    [
      'subjects',
      'ImposeRestriction',
      () => imposeBody({ measureId: 'too-many-s', subjects: subjects(MAX_SUBJECTS_PER_COMMAND + 1) }),
    ],
    [
      'categories',
      'BroadenScope',
      () => ({
        type: 'BroadenScope',
        measureId: 'm',
        categories: categories(MAX_CATEGORIES_PER_COMMAND + 1),
        effectiveFrom: '2020-01-01',
      }),
    ],
    [
      'subjects',
      'AddSubjects',
      () => ({
        type: 'AddSubjects',
        measureId: 'm',
        subjects: subjects(MAX_SUBJECTS_PER_COMMAND + 1),
        effectiveFrom: '2020-01-01',
      }),
    ],
  ])(
    'refuses %s past the cap in %s with a 400 naming the field and the rule, and writes nothing',
    async (field, _, body) => {
      const head = await t.store.headPosition();
      const response = await t.http.post('/v1/commands').set(writer).send(body()).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String) });
      expect(response.body.details).toEqual([
        expect.objectContaining({ field, rule: 'arrayMaxSize', message: expect.stringContaining('at most') }),
      ]);
      expect(await t.store.headPosition()).toBe(head);
    },
  );

  it('records a command at the caps, and a measure larger than one command through several', async () => {
    await t.http
      .post('/v1/commands')
      .set(writer)
      .send(
        imposeBody({
          measureId: 'at-the-caps',
          categories: categories(MAX_CATEGORIES_PER_COMMAND),
          subjects: subjects(MAX_SUBJECTS_PER_COMMAND),
        }),
      )
      .expect(201);
    await t.http
      .post('/v1/commands')
      .set(writer)
      .send({
        type: 'BroadenScope',
        measureId: 'at-the-caps',
        categories: categories(MAX_CATEGORIES_PER_COMMAND, MAX_CATEGORIES_PER_COMMAND),
        effectiveFrom: '2020-01-01',
      })
      .expect(201);
    const check = await t.http
      .get(`/v1/subjects/s-0/check?category=c${2 * MAX_CATEGORIES_PER_COMMAND - 1}/x&at=2021-01-01`)
      .set(bearer('reader'))
      .expect(200);
    expect(check.body.status).toBe('restricted');
  });
});
