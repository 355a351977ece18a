/**
 * Request edges a client meets by accident or on purpose: a null webhook
 * filter is a 400 naming it (never a 500, never stored as `{}`); filter lists
 * hold each id once and at most MAX_FILTER_ITEMS; Idempotency-Key is honoured
 * on one command as on a batch; an event id in upper case names the same
 * event; the correlation id recorded is the one sent back; routes that take no
 * body refuse one with fields; the feeds refuse a bad X-Min-Position and a
 * position written with leading zeros.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { MAX_FILTER_ITEMS } from '../../src/webhooks/webhook-dto.js';
import { streamOf } from '../../src/domain/messages.js';

describe('http/request-edges', () => {
  let t: TestApp;
  let savedAllow: string | undefined;
  const admin = bearer('admin');
  const writer = bearer('writer');
  const hook = 'http://127.0.0.1:9/hook';

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

  const head = () => t.store.headPosition();
  const webhooks = async () => (await t.http.get('/v1/webhooks').set(admin)).body.webhooks as unknown[];

  async function impose(measureId: string): Promise<void> {
    await t.http.post('/v1/commands').set(writer).send(imposeBody({ measureId })).expect(201);
  }

  describe('webhook filters', () => {
    it.each([
      ['ledger', { subject: null }, 'filters.subject'],
      ['ledger', { measure: null }, 'filters.measure'],
      ['ledger', { type: null }, 'filters.type'],
      ['effective', { subject: null }, 'filters.subject'],
      ['ledger', null, 'filters'],
    ])('feed %s with filters %j is a 400 isNotNull naming %s, nothing registered', async (feed, filters, field) => {
      const response = await t.http.post('/v1/webhooks').set(admin).send({ url: hook, feed, filters });
      expect(response.status).toBe(400);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule: 'isNotNull' }));
      expect(await webhooks()).toEqual([]);
    });

    it('a filter list naming an id twice is a 400 naming the list, nothing registered', async () => {
      for (const filters of [
        { subject: ['acme', 'acme'] },
        { type: ['SubjectsAdded', 'org.regledger.SubjectsAdded'] },
      ]) {
        const response = await t.http.post('/v1/webhooks').set(admin).send({ url: hook, feed: 'ledger', filters });
        expect(response.status).toBe(400);
        const field = `filters.${Object.keys(filters)[0]}`;
        expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule: 'arrayUnique' }));
      }
      expect(await webhooks()).toEqual([]);
    });

    it(`a filter list of more than ${MAX_FILTER_ITEMS} ids is a 400 saying the cap; ${MAX_FILTER_ITEMS} are taken`, async () => {
      const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);
      const over = await t.http
        .post('/v1/webhooks')
        .set(admin)
        .send({ url: hook, feed: 'effective', filters: { subject: ids(MAX_FILTER_ITEMS + 1) } });
      expect(over.status).toBe(400);
      expect(over.body.details).toContainEqual(
        expect.objectContaining({
          field: 'filters.subject',
          rule: 'arrayMaxSize',
          message: expect.stringContaining(String(MAX_FILTER_ITEMS)),
        }),
      );
      expect(await webhooks()).toEqual([]);
      const at = await t.http
        .post('/v1/webhooks')
        .set(admin)
        .send({ url: hook, feed: 'effective', filters: { subject: ids(MAX_FILTER_ITEMS) } });
      expect(at.status).toBe(201);
      await t.http.delete(`/v1/webhooks/${at.body.id}`).set(admin).expect(204);
    });
  });

  describe('Idempotency-Key on one command', () => {
    it('the same command sent twice under one key appends once; the second answers the first result with 200', async () => {
      const measureId = `m-ik-${randomUUID()}`;
      await impose(measureId);
      const body = { type: 'AddSubjects', measureId, subjects: ['late'], effectiveFrom: '2020-02-01' };
      const key = { 'Idempotency-Key': `retry-${randomUUID()}` };
      const first = await t.http.post('/v1/commands').set(writer).set(key).send(body);
      const again = await t.http.post('/v1/commands').set(writer).set(key).send(body);
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.commandId).toBe(first.body.commandId);
      expect(again.body.position).toBe(first.body.position);
      const events = (await t.http.get(`/v1/measures/${measureId}/events`).set(writer)).body.events as unknown[];
      expect(events).toHaveLength(2);
    });

    it('the key reused for a different command is a 422 command-id-reused; a bad key is a 400 naming the header', async () => {
      const measureId = `m-ik-${randomUUID()}`;
      await impose(measureId);
      const key = { 'Idempotency-Key': `k-${randomUUID()}` };
      const add = (subject: string) => ({
        type: 'AddSubjects',
        measureId,
        subjects: [subject],
        effectiveFrom: '2020-02-01',
      });
      await t.http.post('/v1/commands').set(writer).set(key).send(add('a')).expect(201);
      const reused = await t.http.post('/v1/commands').set(writer).set(key).send(add('b'));
      expect(reused.status).toBe(422);
      expect(reused.body.details).toContainEqual(expect.objectContaining({ rule: 'command-id-reused' }));
      const before = await head();
      const bad = await t.http.post('/v1/commands').set(writer).set('Idempotency-Key', 'a b').send(add('c'));
      expect(bad.status).toBe(400);
      expect(bad.body.details).toContainEqual(expect.objectContaining({ field: 'Idempotency-Key' }));
      expect(await head()).toBe(before);
    });
  });

  describe('event ids in either case', () => {
    it('RetractEntry and CorrectEntry find an event named in upper case, and record its stored id', async () => {
      const measureId = `m-ec-${randomUUID()}`;
      await impose(measureId);
      const add = (subject: string) => ({
        type: 'AddSubjects',
        measureId,
        subjects: [subject],
        effectiveFrom: '2020-02-01',
      });
      const first = await t.http.post('/v1/commands').set(writer).send(add('z1')).expect(201);
      const second = await t.http.post('/v1/commands').set(writer).send(add('z2')).expect(201);
      const [retractId, correctId] = [first, second].map((r) => r.body.events[0].eventId as string) as [string, string];
      const retract = await t.http
        .post('/v1/commands')
        .set(writer)
        .send({ type: 'RetractEntry', measureId, eventId: retractId.toUpperCase(), reason: 'typo' });
      expect(retract.status).toBe(201);
      const correct = await t.http
        .post('/v1/commands')
        .set(writer)
        .send({
          type: 'CorrectEntry',
          measureId,
          eventId: correctId.toUpperCase(),
          reason: 'date',
          replacement: { measureId, subjects: ['z2'], effectiveFrom: '2020-03-01' },
        });
      expect(correct.status).toBe(201);
      const events = (await t.http.get(`/v1/measures/${measureId}/events`).set(writer)).body.events as {
        type: string;
        data: { eventId?: string };
      }[];
      expect(events.filter((e) => e.data.eventId).map((e) => [e.type, e.data.eventId])).toEqual([
        ['EntryRetracted', retractId],
        ['EntryCorrected', correctId],
      ]);
    });

    it('the proof route finds an event named in upper case, and refuses an id that is not a UUID with a 400', async () => {
      const [event] = await t.store.readAll({ maxCount: 1 });
      const lower = await t.http.get(`/v1/events/${event!.eventId}/proof`).set(bearer('reader'));
      const upper = await t.http.get(`/v1/events/${event!.eventId.toUpperCase()}/proof`).set(bearer('reader'));
      expect([lower.status, upper.status]).toEqual([200, 200]);
      expect(upper.body).toEqual(lower.body);
      const bad = await t.http.get('/v1/events/not-a-uuid/proof').set(bearer('reader'));
      expect(bad.status).toBe(400);
      expect(bad.body.details).toContainEqual(expect.objectContaining({ field: 'eventId', rule: 'isUUID' }));
    });
  });

  describe('X-Correlation-Id', () => {
    it.each([['case-42'], ['a b'], ['<script>'], ['tab\there'], ['x'.repeat(129)], [undefined]])(
      'sent %j: the correlationId recorded is the one sent back',
      async (given) => {
        const measureId = `m-ci-${randomUUID()}`;
        const post = t.http.post('/v1/commands').set(writer);
        if (given !== undefined) post.set('X-Correlation-Id', given);
        const response = await post.send(imposeBody({ measureId }));
        expect(response.status).toBe(201);
        const back = response.headers['x-correlation-id'];
        expect(back).toEqual(expect.any(String));
        if (given === 'case-42') expect(back).toBe(given);
        const [stored] = await t.store.readStream(streamOf(measureId));
        expect(stored!.metadata.correlationId).toBe(back);
      },
    );
  });

  describe('routes that take no body', () => {
    it.each([
      ['/v1/changes/tickets', bearer('reader')],
      ['/v1/admin/rebuild', admin],
    ])('POST %s refuses a body with a field (400 unknownField) and takes none or {}', async (path, key) => {
      const refused = await t.http.post(path).set(key).send({ x: 1 });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toContainEqual(expect.objectContaining({ field: 'x', rule: 'unknownField' }));
      await t.http.post(path).set(key).send({}).expect(201);
      await t.http.post(path).set(key).expect(201);
    });
  });

  describe('feed parameters', () => {
    it.each(['/v1/changes', '/v1/changes/effective'])(
      '%s refuses X-Min-Position that is not a position with a 400 naming the header',
      async (path) => {
        const response = await t.http.get(`${path}?after=0`).set(admin).set('X-Min-Position', 'abc');
        expect(response.status).toBe(400);
        expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'X-Min-Position' }));
      },
    );

    it('the ledger feed refuses a position with leading zeros, as the effective feed refuses such an id', async () => {
      const byHeader = await t.http.get('/v1/changes').set(admin).set('Last-Event-ID', '05');
      const byQuery = await t.http.get('/v1/changes?after=01').set(admin);
      const effective = await t.http.get('/v1/changes/effective?after=00').set(admin);
      for (const [response, field] of [
        [byHeader, 'Last-Event-ID'],
        [byQuery, 'after'],
        [effective, 'after'],
      ] as const) {
        expect(response.status).toBe(400);
        expect(response.body.details).toContainEqual(expect.objectContaining({ field }));
      }
    });
  });
});
