/**
 * EventStoreDB unreachable under a running ledger (the wire-level test server
 * stopped): every route that needs the store answers 503 with Retry-After and
 * the reason, in the one error shape, never a bare 500; a command whose write
 * may have landed says its outcome is unknown and how to learn it; and once
 * the server is back, /health stops reporting the subscription's failures as
 * soon as the subscription is live again, not at the next event.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { imposeBody } from '../support/commands.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('store/eventstoredb-outage-http', () => {
  let server: EventStoreWireServer;
  let store: EventStoreDbEventStore;
  let t: TestApp;

  beforeEach(async () => {
    server = await new EventStoreWireServer({ batchAppend: false }).start();
    store = await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10, writeAttempts: 2 });
    t = await startTestApp({ store });
    await t.http.post('/v1/commands').set(bearer('writer')).send(imposeBody()).expect(201);
  });

  afterEach(async () => {
    await t.close();
    await server.stop();
  });

  /** Polls `probe` until it holds, for at most `ms`; false if it never did. */
  async function eventually(probe: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await probe()) return true;
      await sleep(50);
    }
    return false;
  }

  /** The adapter names the server; code that uses the client directly (consumers, leases) names only EventStoreDB. */
  const SERVER = /EventStoreDB( at 127\.0\.0\.1:\d+)? does not answer/;

  function expectOutageAnswer(response: { status: number; headers: Record<string, string>; body: unknown }): void {
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(SERVER),
      details: expect.arrayContaining([expect.objectContaining({ field: 'store', rule: 'storage-usable' })]),
    });
  }

  it('while it is down, /health and /health/ready say so with 503 and the reason', async () => {
    await server.stop();
    const health = await t.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'failed', reason: expect.stringMatching(SERVER) });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not-ready', reason: expect.stringMatching(SERVER) });
  });

  it.each([
    ['GET', '/v1/events'],
    ['GET', '/v1/integrity/digest'],
    ['GET', '/v1/consumers/x'],
    ['GET', '/v1/changes'],
    ['GET', '/v1/changes?after=0'],
    ['GET', '/v1/changes/effective?after=0'],
  ])('while it is down, %s %s answers 503 with Retry-After and the reason', async (_method, path) => {
    await server.stop();
    expectOutageAnswer(await t.http.get(path).set(bearer('reader')));
  });

  it('while it is down, a command whose stream cannot be read answers 503 with Retry-After, and is not said to be maybe recorded', async () => {
    await server.stop();
    const response = await t.http
      .post('/v1/commands')
      .set(bearer('writer'))
      .send(imposeBody({ measureId: 'down', commandId: randomUUID() }));
    expectOutageAnswer(response);
    expect(response.body.message).toMatch(/try again/);
    expect(response.body.message).not.toMatch(/unknown/);
    expect(response.body.details).not.toContainEqual(expect.objectContaining({ rule: 'outcome-unknown' }));
  });

  it('a write stored as the server went down is answered "outcome unknown"; sent again with the same commandId once it is back, it is recorded once', async () => {
    const commandId = randomUUID();
    const command = imposeBody({ measureId: 'in-flight', commandId });
    server.stopAfterStoringNextAppendTo('measure-in-flight');
    const lost = await t.http.post('/v1/commands').set(bearer('writer')).send(command);
    expect(lost.status).toBe(503);
    expect(lost.headers['retry-after']).toMatch(/^\d+$/);
    expect(lost.body.message).toMatch(/whether it was recorded is unknown.*same commandId/);
    expect(lost.body.details).toContainEqual(expect.objectContaining({ field: 'commandId', rule: 'outcome-unknown' }));

    await server.start();
    let again: { status: number; body: { commandId?: string } } | undefined;
    expect(
      await eventually(async () => {
        again = await t.http.post('/v1/commands').set(bearer('writer')).send(command);
        return again.status !== 503;
      }),
    ).toBe(true);
    // It had landed: the repeat is answered with the first result (200), not recorded again (201).
    expect(again).toMatchObject({ status: 200, body: { commandId } });
    const events = await store.readStream('measure-in-flight');
    expect(events).toHaveLength(1);
  });

  it('once it is back, /health drops the subscription error as soon as the subscription is live, before any new event', async () => {
    await server.stop();
    expect(await eventually(async () => store.subscriptionTrouble() !== undefined)).toBe(true);
    const head = await (async () => {
      await server.start();
      let body: { status?: string; headPosition?: string } = {};
      expect(
        await eventually(async () => {
          const response = await t.http.get('/health');
          body = response.body;
          return response.status === 200;
        }),
      ).toBe(true);
      return body.headPosition;
    })();
    expect(await eventually(async () => (await t.http.get('/health')).body.subscriptionError === undefined)).toBe(true);
    const health = await t.http.get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', headPosition: head });
    expect(health.body).not.toHaveProperty('subscriptionError');
  });
});
