import { beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPE_OF, type CommandType } from '../../src/domain/messages.js';
import { everyCommand, imposeBody, M } from '../support/commands.js';
import { appPerBlock, bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('e2e/commands', () => {
  // One ledger for the whole file (an app costs more to start than most tests take): each test writes to measures of
  // its own, and counts only the events appended since it began, so none depends on which ran before it.
  let t: TestApp;
  appPerBlock((app) => (t = app));
  let head: bigint;
  beforeEach(async () => {
    head = await t.store.headPosition();
  });
  /** The events this test appended. */
  const appended = () => t.store.readAll({ after: head });

  const post = (body: unknown, role: 'reader' | 'writer' | 'admin' = 'writer') =>
    t.http
      .post('/v1/commands')
      .set(bearer(role))
      .send(body as object);
  const eventCount = async () => (await appended()).length;

  describe('POST /v1/commands', () => {
    it('records every kind of command, each as its event, with provenance and metadata', async () => {
      const eventIds: string[] = [];
      const steps = everyCommand((i) => eventIds[i]!);
      for (const [index, step] of steps.entries()) {
        const body = step();
        const response = await post(body);
        expect({ index, status: response.status, body: response.body }).toMatchObject({ index, status: 201 });
        expect(response.body).toEqual({
          commandId: expect.any(String),
          measureId: M,
          events: [
            {
              eventId: expect.any(String),
              type: EVENT_TYPE_OF[body.type as CommandType],
              streamRevision: String(index),
            },
          ],
          position: expect.stringMatching(/^\d+$/),
        });
        const [last] = await t.store.readAll({ direction: 'backwards', maxCount: 1 });
        expect(response.body.position).toBe(last!.position.toString());
        eventIds.push(response.body.events[0].eventId);
      }
      const stream = await t.http.get(`/v1/measures/${M}/events`).set(bearer('reader')).expect(200);
      expect(stream.body.events.map((e: { type: string }) => e.type)).toEqual(
        steps.map((s) => EVENT_TYPE_OF[s().type as CommandType]),
      );
      const imposed = stream.body.events[0];
      expect(imposed.data).toMatchObject({ effectiveFrom: '2019-05-16T20:15:00.000Z', citation: '84 FR 22961' });
      expect(imposed.data.sources[0].publishedAt).toBe('2019-05-21T00:00:00.000Z');
      expect(imposed.metadata).toEqual({
        actor: 'writer-key',
        commandId: expect.any(String),
        correlationId: expect.any(String),
        causationId: imposed.metadata.commandId,
        schemaVersion: 1,
        commandDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        recordedAt: imposed.recordedAt,
      });
      expect(stream.body.events[11].data.replacement.effectiveFrom).toBe('2019-08-20T00:00:00.000Z');
    });

    it('answers a repeated commandId with the first result and 200, appending once', async () => {
      const commandId = randomUUID();
      const first = await post({ ...imposeBody({ measureId: 'repeated' }), commandId }).expect(201);
      const again = await post({ ...imposeBody({ measureId: 'repeated' }), commandId }).expect(200);
      expect(again.body).toEqual(first.body);
      expect(await eventCount()).toBe(1);
    });

    it('compares a commandId case-insensitively', async () => {
      const commandId = randomUUID();
      const first = await post({ ...imposeBody({ measureId: 'case' }), commandId: commandId.toUpperCase() }).expect(
        201,
      );
      const again = await post({ ...imposeBody({ measureId: 'case' }), commandId }).expect(200);
      expect(again.body).toEqual(first.body);
      expect(first.body.commandId).toBe(commandId);
      expect(await eventCount()).toBe(1);
    });

    it('answers the same command with instants written differently as a repetition', async () => {
      const commandId = randomUUID();
      await post({ ...imposeBody({ measureId: 'instants' }), commandId }).expect(201);
      await post({ ...imposeBody({ measureId: 'instants', effectiveFrom: '2019-05-16T20:15:00Z' }), commandId }).expect(
        200,
      );
      expect(await eventCount()).toBe(1);
    });

    it('refuses a commandId reused for a different command on the same measure: 422, both named, nothing written', async () => {
      const commandId = randomUUID();
      await post({ ...imposeBody({ measureId: 'reused' }), commandId }).expect(201);
      const other = await post({
        type: 'AddSubjects',
        measureId: 'reused',
        subjects: ['late'],
        effectiveFrom: '2019-08-19',
        commandId,
      }).expect(422);
      expect(other.body.details).toEqual([
        expect.objectContaining({ field: 'commandId', rule: 'command-id-reused', value: commandId }),
      ]);
      expect(other.body.message).toMatch(/RestrictionImposed on measure reused.*AddSubjects/);
      const changed = await post({ ...imposeBody({ measureId: 'reused', title: 'another title' }), commandId }).expect(
        422,
      );
      expect(changed.body.details[0]).toMatchObject({ rule: 'command-id-reused' });
      expect(changed.body.message).toContain('content differs');
      expect(await eventCount()).toBe(1);
    });

    it('refuses a commandId already used for another measure: 422 naming both measures', async () => {
      const commandId = randomUUID();
      await post({ ...imposeBody({ measureId: 'first' }), commandId }).expect(201);
      const response = await post({ ...imposeBody({ measureId: 'other' }), commandId: commandId.toUpperCase() }).expect(
        422,
      );
      expect(response.body.details[0]).toMatchObject({ field: 'commandId', rule: 'command-id-reused' });
      expect(response.body.message).toMatch(/RestrictionImposed on measure first.*RestrictionImposed on measure other/);
      expect(await eventCount()).toBe(1);
    });

    it('compares a commandId stored before commands were fingerprinted by type and measure, and says so', async () => {
      const commandId = randomUUID();
      const fingerprinted = { ...imposeBody({ measureId: 'fingerprinted' }), commandId };
      await post(fingerprinted).expect(201);
      // An event as stored before the digest existed: the same event, without commandDigest in its metadata.
      const [stored] = await appended();
      const { commandDigest: _digest, recordedAt: _recordedAt, ...metadata } = stored!.metadata;
      const copy = {
        eventId: randomUUID(),
        type: stored!.type,
        data: { ...(stored!.data as object), measureId: 'legacy' },
        metadata: { ...metadata, commandId: randomUUID() },
      };
      await t.store.append('measure-legacy', [copy], 'no_stream');
      const repeated = await post({
        ...imposeBody({ measureId: 'legacy', title: 'changed' }),
        commandId: copy.metadata.commandId,
      }).expect(200);
      expect(repeated.body.notice).toMatch(
        /only its type \(RestrictionImposed\) and measure \(legacy\) could be compared/,
      );
      const different = await post({
        type: 'LiftRestriction',
        measureId: 'legacy',
        effectiveFrom: '2020-01-01',
        commandId: copy.metadata.commandId,
      }).expect(422);
      expect(different.body.details[0]).toMatchObject({ rule: 'command-id-reused' });
      expect(await eventCount()).toBe(2);
    });

    it('records the correlation id a client sends', async () => {
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .set('X-Correlation-Id', 'case-42')
        .send(imposeBody({ measureId: 'correlated' }))
        .expect(201);
      const [event] = await appended();
      expect(event!.metadata.correlationId).toBe('case-42');
    });
  });

  describe('bad input: 400, every bad field named, nothing appended', () => {
    it.each([
      ['an unknown field', imposeBody({ colour: 'red' }), 'colour', 'unknownField'],
      ['a malformed date', imposeBody({ effectiveFrom: '2019-13-45' }), 'effectiveFrom', 'isInstant'],
      ['a time without an offset', imposeBody({ effectiveFrom: '2019-05-16T16:15:00' }), 'effectiveFrom', 'isInstant'],
      ['a bad category', imposeBody({ categories: ['Exports'] }), 'categories', 'isCategoryList'],
      ['a bad subject id', imposeBody({ subjects: ['Huawei Inc'] }), 'subjects', 'matches'],
      ['an empty subject list', imposeBody({ subjects: [] }), 'subjects', 'arrayNotEmpty'],
      ['a bad source url', imposeBody({ sources: [{ url: 'not a url' }] }), 'sources[0].url', 'isUrl'],
      [
        'an unknown field in a source',
        imposeBody({ sources: [{ url: 'https://example.org/rule', colour: 'red' }] }),
        'sources[0].colour',
        'unknownField',
      ],
      ['a string revision', imposeBody({ expectedRevision: '0' }), 'expectedRevision', 'isInt'],
      ['an array instead of a command', [imposeBody()], undefined, 'isObject'],
      ['an unknown type', { type: 'BanEverything', measureId: M }, 'type', 'isIn'],
      ['a bad commandId', imposeBody({ commandId: 'abc' }), 'commandId', 'isUuid'],
      [
        'a narrowing with neither remove nor narrowTo',
        { type: 'NarrowScope', measureId: M, effectiveFrom: '2019-06-01' },
        'remove',
        'atLeastOneOf',
      ],
    ])('%s', async (_what, body, field, rule) => {
      const response = await post(body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(response.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining(field ? { field, rule } : { rule })]),
      );
      expect(await eventCount()).toBe(0);
    });

    it('names every offending field at once', async () => {
      const response = await post(imposeBody({ title: '', effectiveFrom: 'soon', categories: ['A'], extra: 1 })).expect(
        400,
      );
      const fields = response.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['title', 'effectiveFrom', 'categories', 'extra']));
      expect(await eventCount()).toBe(0);
    });

    it('rejects a body that is not JSON', async () => {
      const response = await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .set('Content-Type', 'application/json')
        .send('{"type": ')
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ rule: 'isJson' })] });
      expect(await eventCount()).toBe(0);
    });

    it('rejects an oversize body with 413', async () => {
      const response = await post(imposeBody({ note: 'x'.repeat(70 * 1024) })).expect(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect(await eventCount()).toBe(0);
    });
  });

  describe("a correction's replacement", () => {
    it("is validated as the corrected command's payload", async () => {
      const imposed = await post(imposeBody({ measureId: 'corrected' })).expect(201);
      const correction = (replacement: object) => ({
        type: 'CorrectEntry',
        measureId: 'corrected',
        eventId: imposed.body.events[0].eventId,
        reason: 'typo',
        replacement,
      });
      const { type: _type, ...payload } = imposeBody({ measureId: 'corrected' });
      const bad = await post(correction({ ...payload, effectiveFrom: 'yesterday', colour: 'red' })).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(['replacement.effectiveFrom', 'replacement.colour']),
      );
      await post(correction({ ...payload, effectiveFrom: '2019-05-21' })).expect(201);
      expect(await eventCount()).toBe(2);
    });
  });

  describe('access', () => {
    it('401 without a key or with an unknown one; 403 for a reader writing', async () => {
      expect((await t.http.post('/v1/commands').send(imposeBody()).expect(401)).body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
      });
      await t.http.post('/v1/commands').set({ Authorization: 'Bearer nope' }).send(imposeBody()).expect(401);
      expect((await post(imposeBody(), 'reader').expect(403)).body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
      });
      await t.http.get('/v1/events').expect(401);
      await t.http.get('/v1/events').set(bearer('reader')).expect(200);
      await post(imposeBody({ measureId: 'by-admin' }), 'admin').expect(201);
      expect(await eventCount()).toBe(1);
      expect((await appended())[0]!.metadata.actor).toBe('admin-key');
    });
  });

  describe('conflicts and invariants', () => {
    it('409 when the measure is not at expectedRevision, nothing appended', async () => {
      await post(imposeBody({ measureId: 'at-revision', expectedRevision: -1 })).expect(201);
      const body = {
        type: 'AddSubjects',
        measureId: 'at-revision',
        subjects: ['x'],
        effectiveFrom: '2019-08-19',
        expectedRevision: 3,
      };
      const response = await post(body).expect(409);
      expect(response.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        details: [expect.objectContaining({ field: 'expectedRevision', value: 0 })],
      });
      await post({ ...body, expectedRevision: 0 }).expect(201);
      expect(await eventCount()).toBe(2);
    });

    it('422 naming the rule and the value when an invariant would break, nothing appended', async () => {
      const response = await post({
        type: 'AddSubjects',
        measureId: 'ghost',
        subjects: ['x'],
        effectiveFrom: '2019-08-19',
      }).expect(422);
      expect(response.body).toMatchObject({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: expect.stringContaining('ghost'),
        details: [{ rule: 'measure-exists', field: 'measureId', value: 'ghost', message: expect.any(String) }],
      });
      await post(imposeBody({ measureId: 'in-scope' })).expect(201);
      const outside = await post({
        type: 'GrantExemption',
        measureId: 'in-scope',
        exemptionId: 'e',
        title: 't',
        categories: ['services'],
        effectiveFrom: '2019-06-01',
      }).expect(422);
      expect(outside.body.details[0]).toMatchObject({ rule: 'exemption-overlaps-scope', value: ['services'] });
      expect(await eventCount()).toBe(1);
    });

    it('50 concurrent commands at the same expected revision: one lands, the rest get 409', async () => {
      await post(imposeBody({ measureId: 'raced' })).expect(201);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post({
            type: 'AddSubjects',
            measureId: 'raced',
            subjects: [`s${i}`],
            effectiveFrom: '2019-08-19',
            expectedRevision: 0,
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      const stream = await t.store.readStream('measure-raced');
      expect(stream.map((e) => e.revision)).toEqual([0n, 1n]);
    });

    it('without expectedRevision, concurrent commands on one measure all land, in some order', async () => {
      await post(imposeBody({ measureId: 'unordered' })).expect(201);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post({ type: 'AddSubjects', measureId: 'unordered', subjects: [`s${i}`], effectiveFrom: '2019-08-19' }),
        ),
      );
      expect(responses.every((r) => r.status === 201)).toBe(true);
      const stream = await t.store.readStream('measure-unordered');
      expect(stream.map((e) => Number(e.revision))).toEqual(Array.from({ length: 21 }, (_, i) => i));
    });
  });

  describe('POST /v1/commands/batch', () => {
    const batch = (measureId: string) => [
      imposeBody({ measureId, commandId: randomUUID() }),
      { type: 'AddSubjects', commandId: randomUUID(), measureId, subjects: ['late'], effectiveFrom: '2019-08-19' },
    ];

    it('applies an array in order and is rerunnable thanks to commandIds', async () => {
      const commands = batch('batched');
      const first = await t.http.post('/v1/commands/batch').set(bearer('writer')).send(commands).expect(200);
      expect(first.body.results.map((r: { status: number; index: number }) => [r.index, r.status])).toEqual([
        [0, 201],
        [1, 201],
      ]);
      const again = await t.http.post('/v1/commands/batch').set(bearer('writer')).send(commands).expect(200);
      expect(again.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200]);
      expect(again.body.results[1].position).toBe(first.body.results[1].position);
      expect(await eventCount()).toBe(2);
    });

    it('accepts NDJSON', async () => {
      const text = batch('ndjson')
        .map((c) => JSON.stringify(c))
        .join('\n');
      await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .set('Content-Type', 'application/x-ndjson')
        .send(text)
        .expect(200);
      expect(await eventCount()).toBe(2);
    });

    it('stops at the first rejection and reports what was applied before it', async () => {
      const commands = [
        ...batch('stopped'),
        { type: 'LiftRestriction', measureId: 'ghost', effectiveFrom: '2020-01-01' },
        { type: 'LiftRestriction', measureId: 'stopped', effectiveFrom: '2020-01-01' },
      ];
      const response = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .set('Idempotency-Key', 'stops-1')
        .send(commands)
        .expect(422);
      expect(response.body).toMatchObject({
        statusCode: 422,
        failedIndex: 2,
        details: [expect.objectContaining({ rule: 'measure-exists' })],
      });
      expect(response.body.results).toHaveLength(2);
      expect(await eventCount()).toBe(2);
    });

    it('validates the whole batch first: bad input anywhere appends nothing', async () => {
      const commands = [
        ...batch('validated'),
        { type: 'LiftRestriction', measureId: 'validated', effectiveFrom: 'later' },
      ];
      const response = await t.http.post('/v1/commands/batch').set(bearer('writer')).send(commands).expect(400);
      expect(response.body.details).toEqual([
        expect.objectContaining({ field: '[2].effectiveFrom', rule: 'isInstant' }),
      ]);
      expect(await eventCount()).toBe(0);
    });

    it('refuses a body that is not a list of commands', async () => {
      await t.http.post('/v1/commands/batch').set(bearer('writer')).send(imposeBody()).expect(400);
      await t.http.post('/v1/commands/batch').set(bearer('reader')).send([]).expect(403);
    });

    const withoutIds = (measureId: string) => [
      imposeBody({ measureId }),
      { type: 'AddSubjects', measureId, subjects: ['late'], effectiveFrom: '2019-08-19' },
    ];

    it('refuses commands without a commandId unless the batch has an Idempotency-Key, writing nothing', async () => {
      const response = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .send(withoutIds('keyless'))
        .expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'isDefined' })]);
      expect(response.body.message).toContain('[0], [1]');
      const blank = await t.http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .set('Idempotency-Key', 'has space')
        .send(withoutIds('keyless'))
        .expect(400);
      expect(blank.body.details[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'isIdempotencyKey' });
      expect(await eventCount()).toBe(0);
    });

    it('derives the commandIds of a batch from its Idempotency-Key, so a retried batch appends nothing', async () => {
      const send = (key: string, body: unknown[]) =>
        t.http.post('/v1/commands/batch').set(bearer('writer')).set('Idempotency-Key', key).send(body);
      const first = await send('upload-2019-05-16', withoutIds('derived')).expect(200);
      const retry = await send('upload-2019-05-16', withoutIds('derived')).expect(200);
      expect(retry.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200]);
      expect(retry.body.results.map((r: { commandId: string }) => r.commandId)).toEqual(
        first.body.results.map((r: { commandId: string }) => r.commandId),
      );
      expect(await eventCount()).toBe(2);
      // The same key with other commands is a reuse, not a silent repeat.
      const changed = await send('upload-2019-05-16', [imposeBody({ measureId: 'derived', title: 'changed' })]).expect(
        422,
      );
      expect(changed.body.details[0]).toMatchObject({ rule: 'command-id-reused' });
      expect(await eventCount()).toBe(2);
    });

    it('documents the Idempotency-Key header and the 422 for a reused commandId', async () => {
      const paths = (await t.http.get('/docs/openapi.json').expect(200)).body.paths;
      expect(paths['/v1/commands/batch'].post.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
      );
      expect(paths['/v1/commands'].post.responses['422'].description).toContain('command-id-reused');
    });
  });

  describe('reading the log', () => {
    it('pages GET /v1/events by position', async () => {
      await post(imposeBody({ measureId: 'first-paged' })).expect(201);
      await post({
        type: 'AddSubjects',
        measureId: 'first-paged',
        subjects: ['late'],
        effectiveFrom: '2019-08-19',
      }).expect(201);
      await post(imposeBody({ measureId: 'second' })).expect(201);
      const positions = (await appended()).map((e) => e.position.toString());
      const page1 = await t.http.get(`/v1/events?after=${head}&limit=2`).set(bearer('reader')).expect(200);
      expect(page1.body.events.map((e: { position: string }) => e.position)).toEqual(positions.slice(0, 2));
      expect(page1.body.next).toBe(positions[1]);
      const page2 = await t.http.get(`/v1/events?after=${page1.body.next}&limit=2`).set(bearer('reader')).expect(200);
      expect(page2.body.events.map((e: { streamId: string }) => e.streamId)).toEqual(['measure-second']);
      expect(page2.body.next).toBeNull();
    });

    it('400 for a bad paging parameter, 404 for an unknown measure', async () => {
      const bad = await t.http.get('/v1/events?limit=0').set(bearer('reader')).expect(400);
      expect(bad.body.details[0]).toMatchObject({ field: 'limit' });
      expect((await t.http.get('/v1/events?after=-1').set(bearer('reader')).expect(400)).body.details[0]).toMatchObject(
        {
          field: 'after',
        },
      );
      expect((await t.http.get('/v1/measures/ghost/events').set(bearer('reader')).expect(404)).body).toMatchObject({
        statusCode: 404,
      });
    });

    it('serves health without a key, and the OpenAPI document generated from the DTOs', async () => {
      const empty = await startTestApp();
      try {
        expect((await empty.http.get('/health').expect(200)).body).toEqual({
          status: 'ok',
          headPosition: '0',
          readModelPosition: '0',
          eventLoopMaxDelayMs: expect.any(Number),
        });
      } finally {
        await empty.close();
      }
      const openapi = await t.http.get('/docs/openapi.json').expect(200);
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining(['/v1/commands', '/v1/commands/batch', '/v1/events', '/v1/measures/{measureId}/events']),
      );
      const impose = openapi.body.components.schemas.ImposeRestrictionDto;
      expect(impose.required).toEqual(
        expect.arrayContaining(['type', 'measureId', 'subjects', 'categories', 'effectiveFrom']),
      );
      expect(impose.properties.effectiveFrom).toMatchObject({ type: 'string', format: 'date-time' });
      expect(Object.keys(openapi.body.components.schemas)).toEqual(
        expect.arrayContaining(['CorrectEntryDto', 'SourceDto', 'NarrowScopeDto']),
      );
    });

    it('answers unknown routes in the error shape', async () => {
      expect((await t.http.get('/v1/nothing').set(bearer('reader')).expect(404)).body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        details: [expect.objectContaining({ rule: 'notFound' })],
      });
    });
  });
});
