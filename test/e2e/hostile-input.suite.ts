/**
 * Bodies built to break the command side: each is a 400 naming the field and
 * the rule, nothing is written, and the measure keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_COMMANDS_PER_BATCH } from '../../src/domain/command-limits.js';
import { imposeBody, M } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/hostile-input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ bodyLimit: '2mb' });
    await post(imposeBody()).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown) =>
    t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send(body as object);
  const postRaw = (text: string, path = '/v1/commands') =>
    t.http.post(path).set(bearer('writer')).set('Content-Type', 'application/json').send(text);
  const eventCount = async () => (await t.store.readAll()).length;

  /** Sends a body that must be refused: 400, a detail with this field and rule, nothing appended, the measure still readable. */
  async function refused(body: unknown, field: string | undefined, rule: string) {
    const before = await eventCount();
    const response = typeof body === 'string' ? await postRaw(body) : await post(body);
    expect({ status: response.status, body: response.body }).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request' },
    });
    expect(response.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ ...(field === undefined ? {} : { field }), rule })]),
    );
    expect(await eventCount()).toBe(before);
    await t.http.get('/v1/subjects/acme/state').set(bearer('reader')).expect(200);
    return response;
  }

  const addSubjects = (over: Record<string, unknown>) => ({
    type: 'AddSubjects',
    measureId: M,
    subjects: ['newco'],
    effectiveFrom: '2020-01-01',
    ...over,
  });

  describe('instants outside the years 0000-9999 (UTC)', () => {
    it.each([
      ['0000-01-01T00:00:00+00:01', 'a minute before year 0000 in UTC'],
      ['9999-12-31T23:59:59-14:00', 'past year 9999 in UTC'],
      ['0001-02-29', 'a day that does not exist'],
    ])('refuses %s (%s) naming the field', async (effectiveFrom) => {
      const response = await refused(addSubjects({ effectiveFrom }), 'effectiveFrom', 'isInstant');
      expect(response.body.details[0].message).toContain('0000–9999');
    });

    it('accepts the extremes, and leap day of year 0, stored in canonical form with a four-digit year', async () => {
      for (const [text, stored] of [
        ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
        ['0000-02-29', '0000-02-29T00:00:00.000Z'],
        ['0050-03-01T00:30:00+01:00', '0050-02-28T23:30:00.000Z'],
        ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
      ] as const) {
        const response = await post(
          addSubjects({ subjects: [`newco-${text.slice(0, 4)}`], effectiveFrom: text }),
        ).expect(201);
        const [event] = await t.store.readAll({ after: BigInt(response.body.position) - 1n, maxCount: 1 });
        expect((event!.data as { effectiveFrom: string }).effectiveFrom).toBe(stored);
      }
      await t.http.get('/v1/subjects/newco-0000/state').query({ at: '0000-03-01' }).set(bearer('reader')).expect(200);
      await t.http.get(`/v1/measures/${M}`).set(bearer('reader')).expect(200);
      await post({ type: 'BroadenScope', measureId: M, categories: ['services'], effectiveFrom: '2020-01-01' }).expect(
        201,
      );
    });
  });

  it.each(['at', 'asOf'])(
    'refuses a query parameter %s outside the years 0000-9999 with a 400 naming it',
    async (field) => {
      const response = await t.http
        .get('/v1/subjects/acme/state')
        .query({ [field]: '0000-01-01T00:00:00+00:01' })
        .set(bearer('reader'))
        .expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field, rule: 'isInstant' })]);
    },
  );

  describe('null is never a value', () => {
    it.each([
      ['expectedRevision', { ...addSubjects({}), expectedRevision: null }],
      ['effectiveUntil', imposeBody({ measureId: 'other', effectiveUntil: null })],
      ['announcedAt', imposeBody({ measureId: 'other', announcedAt: null })],
      ['citation', addSubjects({ citation: null })],
      ['sources[0].title', addSubjects({ sources: [{ url: 'https://example.org', title: null }] })],
      [
        'addSubjects',
        { type: 'AmendExemption', measureId: M, exemptionId: 'x', effectiveFrom: '2020-01-01', addSubjects: null },
      ],
      [
        'effectiveUntil',
        { type: 'AmendExemption', measureId: M, exemptionId: 'x', effectiveFrom: '2020-01-01', effectiveUntil: null },
      ],
      [
        'remove',
        { type: 'NarrowScope', measureId: M, effectiveFrom: '2020-01-01', remove: null, narrowTo: ['exports'] },
      ],
      [
        'effectiveUntil',
        {
          type: 'GrantExemption',
          measureId: M,
          exemptionId: 'x',
          title: 'x',
          categories: ['exports'],
          effectiveFrom: '2020-01-01',
          effectiveUntil: null,
        },
      ],
    ])('refuses %s: null', async (field, body) => {
      await refused(body, field, 'isNotNull');
    });
  });

  describe('keys named after built-in properties are unknown fields', () => {
    it.each([
      [
        '__proto__',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","__proto__":{"polluted":true}}`,
      ],
      [
        'constructor',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","constructor":"x"}`,
      ],
      [
        'toString',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","toString":"x"}`,
      ],
      [
        'hasOwnProperty',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","hasOwnProperty":1}`,
      ],
      [
        'valueOf',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","valueOf":1}`,
      ],
      [
        'sources[0].__proto__',
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","sources":[{"url":"https://e.org","__proto__":{"x":1}}]}`,
      ],
      [
        'replacement.isPrototypeOf',
        `{"type":"CorrectEntry","measureId":"${M}","eventId":"00000000-0000-4000-8000-000000000000","reason":"r","replacement":{"isPrototypeOf":1}}`,
      ],
    ])('refuses %s', async (field, text) => {
      await refused(text, field, 'unknownField');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('nesting depth', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it.each([3000, 100_000])('refuses a field nested %i deep with a 400 naming the rule', async (depth) => {
      const response = await refused(
        `{"type":"AddSubjects","measureId":"${M}","subjects":${nested(depth)},"effectiveFrom":"2020-01-01"}`,
        undefined,
        'maxDepth',
      );
      expect(response.body.message).toContain('16 levels');
    });

    it('refuses a batch nested too deep in one command, writing nothing', async () => {
      const before = await eventCount();
      const response = await postRaw(
        `[{"type":"AddSubjects","measureId":"${M}","subjects":["y"],"effectiveFrom":"2020-01-01","note":${nested(3000)}}]`,
        '/v1/commands/batch',
      ).expect(400);
      expect(response.body.details[0].rule).toBe('maxDepth');
      expect(await eventCount()).toBe(before);
    });
  });

  describe('other numbers JSON can carry', () => {
    it('refuses an expectedRevision of 1e400 (Infinity once parsed)', async () => {
      await refused(
        `{"type":"AddSubjects","measureId":"${M}","subjects":["x"],"effectiveFrom":"2020-01-01","expectedRevision":1e400}`,
        'expectedRevision',
        'isInt',
      );
    });
  });

  describe('a batch of thousands of bad commands', () => {
    it('gets at most 100 details and a last one saying where checking stopped, quickly and small', async () => {
      // The most a batch may hold (a longer one is refused by its count): still ten times the problems an answer lists.
      const batch = Array.from({ length: MAX_COMMANDS_PER_BATCH }, () => ({ type: 'ImposeRestriction' }));
      const response = await t.http.post('/v1/commands/batch').set(bearer('writer')).send(batch).expect(400);
      expect(response.body.details).toHaveLength(101);
      expect(response.body.details[100]).toMatchObject({ rule: 'maxDetails' });
      expect(response.body.details[100].message).toContain('not checked');
      expect(JSON.stringify(response.body).length).toBeLessThan(50_000);
    });
  });

  describe("a batch whose correction's replacement is bad input", () => {
    const batchOf = (replacement: Record<string, unknown>, targetId: string) => [
      { ...addSubjects({ subjects: ['batch-first'] }), commandId: crypto.randomUUID() },
      {
        type: 'CorrectEntry',
        measureId: M,
        eventId: targetId,
        reason: 'typo',
        commandId: crypto.randomUUID(),
        replacement,
      },
    ];
    let target: string;
    beforeAll(async () => {
      const added = await post({
        ...addSubjects({ subjects: ['batch-target'] }),
        commandId: crypto.randomUUID(),
      }).expect(201);
      target = added.body.events[0].eventId;
    });

    it.each([
      [
        'a field no command has',
        { measureId: M, subjects: ['x'], effectiveFrom: '2020-01-01', '': 'x' },
        'replacement',
      ],
      [
        "a field of another command than the target's",
        { measureId: M, subjects: ['x'], effectiveFrom: '2020-01-01', categories: ['exports'] },
        'replacement.categories',
      ],
      [
        'an instant out of range',
        { measureId: M, subjects: ['x'], effectiveFrom: '9999-12-31T23:59:59-14:00' },
        'replacement.effectiveFrom',
      ],
    ])('refuses the whole batch before applying anything: %s', async (_what, replacement, field) => {
      const before = await eventCount();
      const response = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .send(batchOf(replacement, target))
        .expect(400);
      expect(response.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining(field) })]),
      );
      expect(response.body.results).toBeUndefined();
      expect(await eventCount()).toBe(before);
    });

    it('checks a replacement whose target the batch itself records against every command type', async () => {
      const before = await eventCount();
      const response = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .send(
          batchOf({ measureId: M, subjects: ['x'], effectiveFrom: '2020-01-01', notAField: 1 }, crypto.randomUUID()),
        )
        .expect(400);
      expect(response.body.details[0].field).toContain('replacement.notAField');
      expect(await eventCount()).toBe(before);
    });
  });

  describe('a path segment that is not percent-encoded UTF-8', () => {
    it.each(['/v1/measures/%zz', '/v1/subjects/%C0%AE/state', '/v1/events/%ED%A0%80/proof'])(
      '%s is a 400 naming the path and the rule',
      async (path) => {
        const response = await t.http.get(path).set(bearer('reader')).expect(400);
        expect(response.body.details).toEqual([expect.objectContaining({ field: 'path', rule: 'isPercentEncoded' })]);
      },
    );
  });
});
