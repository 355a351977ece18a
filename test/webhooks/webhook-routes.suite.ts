/**
 * The webhook and consumer routes' answers to bad input, missing rights and
 * unknown ids (store-independent: one in-memory ledger), and the rules that
 * keep endpoints out of private networks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AllowList, isInternalAddress, targetProblem, urlFormProblem } from '../../src/webhooks/url-policy.js';
import { loadWebhookConfig, retryDelayMs } from '../../src/webhooks/webhook-config.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';

describe('webhooks/webhook-routes', () => {
  const admin = bearer('admin');
  const reader = bearer('reader');
  // Set when this module's tests begin, not when it loads: the other modules of its entry must not see it.
  let savedEnv: NodeJS.ProcessEnv;
  beforeAll(() => {
    savedEnv = { ...process.env };
    process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';
  });

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    SseConnection.closeAll();
    await t.close();
    process.env = savedEnv;
  });

  const ruleOf = (body: { details: { field?: string; rule: string }[] }) => body.details.map((d) => [d.field, d.rule]);

  describe('POST /v1/webhooks', () => {
    it('names each bad field and its rule, and registers nothing', async () => {
      const cases: [Record<string, unknown>, [string, string][]][] = [
        [{ url: 'ftp://example.com/x', feed: 'ledger' }, [['url', 'isWebhookUrl']]],
        [{ url: 'http://10.1.2.3/x', feed: 'ledger' }, [['url', 'isWebhookUrl']]],
        [{ url: 'http://127.0.0.1:9/x', feed: 'sideways' }, [['feed', 'isIn']]],
        [
          { url: 'http://127.0.0.1:9/x', feed: 'effective', filters: { measure: ['m1'] } },
          [['filters.measure', 'notForFeed']],
        ],
        [
          { url: 'http://127.0.0.1:9/x', feed: 'ledger', filters: { type: ['Nope'], subject: ['Not An Id'] } },
          [
            ['filters.subject', 'isId'],
            ['filters.type', 'isIn'],
          ],
        ],
        [{ url: 'http://127.0.0.1:9/x', feed: 'ledger', after: 'yesterday' }, [['after', 'isPosition']]],
        [{ url: 'http://127.0.0.1:9/x', feed: 'ledger', after: '99' }, [['after', 'isRecordedPosition']]],
        [{ url: 'http://127.0.0.1:9/x', feed: 'effective', after: '12-3' }, [['after', 'isResumeId']]],
        // Effective ids this ledger never sent: past its newest position, and a time it has not reached.
        [{ url: 'http://127.0.0.1:9/x', feed: 'effective', after: '0-0-99-~' }, [['after', 'isRecordedPosition']]],
        [
          { url: 'http://127.0.0.1:9/x', feed: 'effective', after: '9999999999999999-1-0-~' },
          [['after', 'isSentTime']],
        ],
        [{ url: 'http://127.0.0.1:9/x', feed: 'ledger', secret: 'mine' }, [['secret', 'unknownField']]],
      ];
      for (const [body, expected] of cases) {
        const response = await t.http.post('/v1/webhooks').set(admin).send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(ruleOf(response.body).sort()).toEqual(expected.sort());
      }
      expect((await t.http.get('/v1/webhooks').set(admin)).body).toEqual({ webhooks: [] });
    });

    it('is for admins only, and shows the secret only when it is created', async () => {
      expect(
        (await t.http.post('/v1/webhooks').set(bearer('writer')).send({ url: 'http://127.0.0.1:9/x', feed: 'ledger' }))
          .status,
      ).toBe(403);
      const created = await t.http
        .post('/v1/webhooks')
        .set(admin)
        .send({ url: 'http://127.0.0.1:9/x', feed: 'ledger' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'active',
        after: '0',
        feed: 'ledger',
        secret: expect.stringMatching(/^whsec_/),
      });
      const shown = await t.http.get(`/v1/webhooks/${created.body.id}`).set(admin);
      expect(shown.body.id).toBe(created.body.id);
      expect(shown.body.secret).toBeUndefined();
      expect((await t.http.delete(`/v1/webhooks/${created.body.id}`).set(admin)).status).toBe(204);
      expect((await t.http.get(`/v1/webhooks/${created.body.id}`).set(admin)).status).toBe(404);
      expect((await t.http.post(`/v1/webhooks/${randomUUID()}/replay`).set(admin).send({ after: '0' })).status).toBe(
        404,
      );
      expect(ruleOf((await t.http.get('/v1/webhooks/nope/deliveries').set(admin)).body)).toEqual([['id', 'isUUID']]);
    });
  });

  describe('consumers', () => {
    it('refuses a bad name, a position that is not one, and a position past the head', async () => {
      expect(
        ruleOf((await t.http.post('/v1/consumers/bad name!/ack').set(reader).send({ position: '0' })).body),
      ).toEqual([['name', 'isConsumerName']]);
      expect(ruleOf((await t.http.post('/v1/consumers/svc/ack').set(reader).send({ position: 'x' })).body)).toEqual([
        ['position', 'isPosition'],
      ]);
      expect(ruleOf((await t.http.post('/v1/consumers/svc/ack').set(reader).send({ position: '99' })).body)).toEqual([
        ['position', 'isRecordedPosition'],
      ]);
      expect((await t.http.get('/v1/consumers/svc').set(reader)).status).toBe(404);
      expect(ruleOf((await t.http.get('/v1/changes?consumer=a%20b').set(reader)).body)).toEqual([
        ['consumer', 'isConsumerName'],
      ]);
    });

    it('moves an acknowledgement forward only', async () => {
      const ledger = await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({
          type: 'ImposeRestriction',
          measureId: 'm-ack',
          title: 't',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['acme'],
          categories: ['exports'],
          effectiveFrom: '2019-05-16',
          sources: [{ url: 'https://example.com/s', title: 's', publishedAt: '2019-05-16' }],
        });
      expect(ledger.status).toBe(201);
      const head = (await t.store.headPosition()).toString();
      expect((await t.http.post('/v1/consumers/svc2/ack').set(reader).send({ position: head })).body).toEqual({
        name: 'svc2',
        position: head,
      });
      expect((await t.http.post('/v1/consumers/svc2/ack').set(reader).send({ position: '0' })).body).toEqual({
        name: 'svc2',
        position: head,
      });
    });
  });

  describe('where endpoints may point', () => {
    it('allows http(s) only, without credentials', () => {
      expect(urlFormProblem('https://example.com/h')).toBeUndefined();
      expect(urlFormProblem('file:///etc/passwd')).toMatch(/http or https/);
      expect(urlFormProblem('https://user:pw@example.com/')).toMatch(/credentials/);
      expect(urlFormProblem('/relative')).toMatch(/absolute/);
    });

    it('treats loopback, private, link-local and mapped addresses as internal', () => {
      for (const address of [
        '127.0.0.1',
        '10.0.0.1',
        '172.16.5.4',
        '192.168.1.1',
        '169.254.169.254',
        '100.64.0.1',
        '::1',
        'fd00::1',
        'fe80::1',
        '::ffff:10.0.0.1',
        '0.0.0.0',
      ]) {
        expect([address, isInternalAddress(address)]).toEqual([address, true]);
      }
      for (const address of ['93.184.216.34', '2606:2800:220:1::1', '172.32.0.1'])
        expect([address, isInternalAddress(address)]).toEqual([address, false]);
    });

    it('lets LEDGER_WEBHOOK_ALLOW open hosts, addresses and ranges, and rejects what is not one', async () => {
      const allow = AllowList.parse('hooks.internal, 10.0.0.0/8,::1');
      expect(allow.allows('x', '10.9.9.9')).toBe(true);
      expect(allow.allows('hooks.internal', '192.168.0.1')).toBe(true);
      expect(allow.allows('x', '::1')).toBe(true);
      expect(allow.allows('x', '192.168.0.1')).toBe(false);
      expect(await targetProblem('http://192.168.0.1/', allow)).toMatch(
        /internal address; allow it with LEDGER_WEBHOOK_ALLOW/,
      );
      expect(await targetProblem('http://10.0.0.1/', allow)).toBeUndefined();
      expect(() => AllowList.parse('10.0.0.0/99')).toThrow(/LEDGER_WEBHOOK_ALLOW/);
      expect(() => AllowList.parse('not a host')).toThrow(/LEDGER_WEBHOOK_ALLOW/);
    });

    it('reads the retry schedule, and spreads each pause by its jitter', () => {
      const config = loadWebhookConfig({});
      expect(config.retryScheduleMs.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(23.7, 1);
      expect(retryDelayMs(config, 1, () => 0)).toBe(4000);
      expect(retryDelayMs(config, 1, () => 1)).toBe(6000);
      expect(retryDelayMs(config, config.retryScheduleMs.length + 1)).toBeUndefined();
      expect(() => loadWebhookConfig({ LEDGER_WEBHOOK_RETRY_SCHEDULE: '5s,soon' })).toThrow(
        /LEDGER_WEBHOOK_RETRY_SCHEDULE/,
      );
    });
  });

  describe('the connection a delivery makes', () => {
    it('refuses an internal address where it connects, for a name as for an address, unless allowed', async () => {
      const { Receiver } = await import('./receiver.js');
      const { postJson, BlockedAddressError } = await import('../../src/webhooks/http-post.js');
      const receiver = await new Receiver(0).start();
      const byName = receiver.url.replace('127.0.0.1', 'localhost');
      const options = (allow: string) => ({
        allow: AllowList.parse(allow),
        timeoutMs: 2000,
        signal: new AbortController().signal,
      });
      try {
        await expect(postJson(receiver.url, {}, '{}', options(''))).rejects.toBeInstanceOf(BlockedAddressError);
        await expect(postJson(byName, {}, '{}', options(''))).rejects.toThrow(
          /localhost resolves to .*an internal address/,
        );
        expect(await postJson(byName, { 'webhook-id': 'a' }, '{}', options('localhost'))).toBe(204);
        expect(await postJson(receiver.url, { 'webhook-id': 'b' }, '{}', options('127.0.0.0/8'))).toBe(204);
        expect(receiver.requests).toHaveLength(2);
      } finally {
        await receiver.stop();
      }
    });
  });
});
