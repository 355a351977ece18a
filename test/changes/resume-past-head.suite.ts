/**
 * A resume id past the ledger's newest position was never sent: a client
 * holding one would miss every event up to it in silence. Both feeds refuse
 * it with a 400 naming the field, before the stream opens, and accept the
 * newest position itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { imposition } from '../support/stored-events.js';
import { SseConnection } from '../support/sse-client.js';

describe('changes/resume-past-head', () => {
  let t: TestApp;
  let url = '';
  let head = 0n;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    await t.store.append('measure-m1', [imposition('m1', ['acme'])], 'no_stream');
    head = await t.store.headPosition();
  });
  afterAll(async () => {
    SseConnection.closeAll();
    await t?.close();
  });

  const reader = bearer('reader');

  /** The answer to a request expected to be refused (a refusal is plain JSON, no stream). */
  async function refusal(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}${path}`, { headers: { ...reader, ...headers } });
    return { status: response.status, body: await response.text() };
  }

  describe('a resume id past the newest position', () => {
    const cases: [string, () => { path: string; headers?: Record<string, string> }, string][] = [
      ['the ledger feed, after', () => ({ path: `/v1/changes?after=${head + 1n}` }), 'after'],
      [
        'the ledger feed, Last-Event-ID',
        () => ({ path: '/v1/changes', headers: { 'Last-Event-ID': `${head + 5n}` } }),
        'Last-Event-ID',
      ],
      ['the effective feed, after', () => ({ path: `/v1/changes/effective?after=0-0-${head + 1n}-~` }), 'after'],
    ];
    it.each(cases)('is refused on %s', async (_name, request, field) => {
      const { path, headers } = request();
      const { status, body } = await refusal(path, headers);
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({
        details: [expect.objectContaining({ field, rule: 'isRecordedPosition' })],
      });
    });

    it('the newest position itself opens the stream', async () => {
      for (const path of [`/v1/changes?after=${head}`, `/v1/changes/effective?after=0-0-${head}-~`]) {
        const client = await SseConnection.open(`${url}${path}`, reader);
        client.close();
        expect(client.status).toBe(200);
      }
    });
  });

  // An effective-feed id's time is when its transition took effect: one later than this ledger's clock (beyond a
  // small tolerance for instances whose clocks differ) and newest record was never sent, and would skip every
  // transition due before it.
  describe('an effective-feed resume id with a time not yet reached', () => {
    const cases: [string, () => { path: string; headers?: Record<string, string> }, string][] = [
      ['after', () => ({ path: '/v1/changes/effective?after=9999999999999999-1-0-~' }), 'after'],
      [
        'Last-Event-ID',
        () => ({
          path: '/v1/changes/effective',
          headers: { 'Last-Event-ID': `${Date.now() + 3_600_000}-1-${head}-~` },
        }),
        'Last-Event-ID',
      ],
    ];
    it.each(cases)('is refused in %s', async (_name, request, field) => {
      const { path, headers } = request();
      const { status, body } = await refusal(path, headers);
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ details: [expect.objectContaining({ field, rule: 'isSentTime' })] });
    });

    it('a time up to now opens the stream', async () => {
      const client = await SseConnection.open(`${url}/v1/changes/effective?after=${Date.now()}-1-${head}-~`, reader);
      client.close();
      expect(client.status).toBe(200);
    });
  });
});
