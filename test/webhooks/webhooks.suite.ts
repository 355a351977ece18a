/**
 * Webhooks end to end, on both stores: a real receiver on 127.0.0.1 (allowed
 * by LEDGER_WEBHOOK_ALLOW), signatures checked with the `standardwebhooks`
 * package (not the ledger's code), retries on a millisecond schedule.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { EventStore } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { SseConnection } from '../support/sse-client.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';
import { Receiver } from './receiver.js';
import { watchAttempts, type RecordedAttempts } from './recorded-attempts.js';
import { SUBSCRIBER_STATE, type SubscriberStateStore } from '../../src/subscriber-state/subscriber-state.js';
import { imposition } from '../support/stored-events.js';

describe('webhooks/webhooks', () => {
  const admin = bearer('admin');
  // Set when this module's tests begin, not when it loads: the other modules of its entry must not see it.
  let savedEnv: NodeJS.ProcessEnv;
  beforeAll(() => {
    savedEnv = { ...process.env };
    process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';
    process.env.LEDGER_WEBHOOK_RETRY_SCHEDULE = '10ms,20ms,40ms';
    process.env.LEDGER_WEBHOOK_TIMEOUT = '2s';
  });
  afterAll(() => {
    process.env = savedEnv;
  });

  /** A store that can be opened again on the same data: a restart. */
  interface StoreFactory {
    open(): Promise<EventStore>;
    cleanup(): Promise<void>;
  }

  const STORES: [string, () => Promise<StoreFactory>][] = [
    [
      'sqlite',
      async () => {
        const dir = tempDir('regledger-webhooks-');
        return {
          open: async () => new SqliteEventStore(join(dir.path, 'ledger.db')),
          cleanup: async () => dir.remove(),
        };
      },
    ],
    [
      'eventstoredb',
      async () => {
        const server = await new EventStoreWireServer({ batchAppend: true, systemEventEvery: 5 }).start();
        return {
          open: () => EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 }),
          cleanup: () => server.stop(),
        };
      },
    ],
  ];

  describe.each(STORES)('webhooks on %s', (name, makeStores) => {
    let stores: StoreFactory;
    let receiver: Receiver;
    let t: TestApp | undefined;
    /** The attempts the app's delivery workers store: what the tests wait on for a cursor or a status. */
    let attempts: RecordedAttempts;

    beforeAll(async () => {
      receiver = await new Receiver().start();
    });
    afterAll(async () => {
      await receiver.stop();
    });
    beforeEach(async () => {
      receiver.reset();
      stores = await makeStores();
      t = await startTestApp({ store: await stores.open() });
      attempts = watchAttempts(t.app.get<SubscriberStateStore>(SUBSCRIBER_STATE));
    });
    afterEach(async () => {
      await t?.close();
      t = undefined;
      await stores.cleanup();
    });

    const register = async (body: Record<string, unknown>) => {
      const response = await t!.http
        .post('/v1/webhooks')
        .set(admin)
        .send({ url: receiver.url, feed: 'ledger', ...body });
      expect(response.status).toBe(201);
      return response.body as { id: string; secret: string };
    };
    const endpoint = (id: string) =>
      t!.http
        .get(`/v1/webhooks/${id}`)
        .set(admin)
        .then((r) => r.body as { status: string; after: string; failedAttempts: number });
    const positionsOf = (requests: { body: string }[]) =>
      requests.map((r) => (JSON.parse(r.body) as { ledgerposition: string }).ledgerposition);
    const logPositions = async () => (await t!.store.readAll()).map((e) => e.position.toString());

    it('signs each delivery so that the standardwebhooks verifier accepts it, and nothing else', async () => {
      await t!.store.append('measure-m1', [imposition('m1')], 'no_stream');
      const { secret } = await register({ after: '0' });
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      await t!.store.append('measure-m2', [imposition('m2')], 'no_stream');
      await receiver.until((r) => r.accepted.length === 2);
      const verifier = new Webhook(secret);
      const [stored] = await t!.store.readAll();
      for (const request of receiver.accepted) {
        const headers = request.headers as Record<string, string>;
        expect(headers['content-type']).toBe('application/json');
        const payload = verifier.verify(request.body, headers) as { specversion: string; type: string };
        expect(payload).toMatchObject({ specversion: '1.0', type: 'org.regledger.RestrictionImposed' });
        expect(() => verifier.verify(request.body.replace('"m', '"x'), headers)).toThrow();
        expect(() =>
          new Webhook(`whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`).verify(
            request.body,
            headers,
          ),
        ).toThrow();
      }
      expect(JSON.parse(receiver.accepted[0]!.body)).toMatchObject({
        id: stored!.eventId,
        ledgerposition: stored!.position.toString(),
        subject: 'm1',
      });
      expect(positionsOf(receiver.accepted)).toEqual(await logPositions());
    });

    it('a receiver failing twice then succeeding gets every event once, in order, one request at a time, with a stable webhook-id', async () => {
      receiver.failFirst = 2;
      await t!.store.append('measure-m1', [imposition('m1'), imposition('m1')], 'no_stream');
      const { id } = await register({ after: '0' });
      await t!.store.append('measure-m2', [imposition('m2')], 'no_stream');
      await receiver.until((r) => r.accepted.length === 3);
      const all = await logPositions();
      expect(positionsOf(receiver.accepted)).toEqual(all);
      // Every request, failed or not, in position order: a message is never overtaken by the next.
      expect(positionsOf(receiver.requests)).toEqual(all.flatMap((p) => [p, p, p]));
      const ids = receiver.requests.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(3);
      expect(ids.slice(0, 3).every((x) => x === ids[0])).toBe(true);
      expect(receiver.maxInFlight).toBe(1);
      const deliveries = await t!.http.get(`/v1/webhooks/${id}/deliveries?limit=9`).set(admin);
      expect(deliveries.status).toBe(200);
      expect(
        deliveries.body.deliveries.map((d: { statusCode: number; attempt: number }) => [d.statusCode, d.attempt]),
      ).toEqual([
        [204, 3],
        [500, 2],
        [500, 1],
        [204, 3],
        [500, 2],
        [500, 1],
        [204, 3],
        [500, 2],
        [500, 1],
      ]);
      expect(deliveries.body.deliveries[0]).toMatchObject({
        outcome: 'delivered',
        cursor: all[2],
        latencyMs: expect.any(Number),
      });
      expect(await endpoint(id)).toMatchObject({ status: 'active', after: all[2], failedAttempts: 0 });
    });

    // What follows depends on the state store only through what the tests above prove on both.
    const onOneStore = name === 'sqlite' ? it : () => {};

    onOneStore(
      'marks an endpoint failing when the retries run out, sends nothing more, and resumes where it stopped once re-enabled',
      async () => {
        receiver.failAll = true;
        await t!.store.append('measure-m1', [imposition('m1')], 'no_stream');
        const { id } = await register({ after: '0' });
        await attempts.until(async () => (await endpoint(id)).status === 'failing');
        // One attempt and the three retries of the schedule.
        expect(await endpoint(id)).toMatchObject({
          status: 'failing',
          after: '0',
          failedAttempts: 4,
          lastError: 'the receiver answered 500',
        });
        expect(receiver.requests).toHaveLength(4);
        // The receiver would now accept anything sent: a worker still running would deliver.
        receiver.failAll = false;
        // Another endpoint, registered now, is sent what the ledger records next: once it has been, a worker still
        // running for the failing endpoint would have been sent it too.
        const witness = await new Receiver().start();
        try {
          const other = await t!.http.post('/v1/webhooks').set(admin).send({ url: witness.url, feed: 'ledger' });
          expect(other.status).toBe(201);
          await t!.store.append('measure-m2', [imposition('m2')], 'no_stream');
          await witness.until((r) => r.accepted.length === 1);
          await t!.http.delete(`/v1/webhooks/${other.body.id}`).set(admin).expect(204);
        } finally {
          await witness.stop();
        }
        // The ledger has moved on; the failing endpoint was not sent it.
        expect(receiver.requests).toHaveLength(4);
        expect(await endpoint(id)).toMatchObject({ status: 'failing', after: '0' });
        const enabled = await t!.http.post(`/v1/webhooks/${id}/enable`).set(admin);
        expect(enabled.status).toBe(200);
        await receiver.until((r) => r.accepted.length === 2);
        expect(positionsOf(receiver.accepted)).toEqual(await logPositions());
      },
    );

    it('loses nothing across a restart: it resumes after the last acknowledged event', async () => {
      await t!.store.append('measure-m1', [imposition('m1'), imposition('m1')], 'no_stream');
      const { id, secret } = await register({ after: '0' });
      await receiver.until((r) => r.accepted.length === 2);
      const [, second] = await logPositions();
      await attempts.until(async () => (await endpoint(id)).after === second);
      await t!.close();
      t = undefined;

      const store = await stores.open();
      await store.append('measure-m2', [imposition('m2')], 'no_stream');
      t = await startTestApp({ store });
      await t.store.append('measure-m3', [imposition('m3')], 'no_stream');
      await receiver.until((r) => r.accepted.length === 4);
      expect(positionsOf(receiver.accepted)).toEqual(await logPositions());
      for (const request of receiver.accepted)
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      expect((await endpoint(id)).after).toBe((await logPositions())[3]);
    });

    onOneStore(
      'replays from a given position with the same webhook-ids, and delivers only the filtered events',
      async () => {
        await t!.store.append('measure-m1', [imposition('m1')], 'no_stream');
        await t!.store.append('measure-m2', [imposition('m2')], 'no_stream');
        const { id } = await register({ after: '0', filters: { measure: ['m2'] } });
        await receiver.until((r) => r.accepted.length === 1);
        const [first] = receiver.accepted;
        expect(JSON.parse(first!.body)).toMatchObject({ subject: 'm2' });
        const replay = await t!.http.post(`/v1/webhooks/${id}/replay`).set(admin).send({ after: '0' });
        expect(replay.status).toBe(200);
        await receiver.until((r) => r.accepted.length === 2);
        expect(receiver.accepted[1]!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
        expect(receiver.accepted[1]!.body).toBe(first!.body);
      },
    );

    onOneStore('delivers effective-state transitions, signed, as the effective SSE feed sends them', async () => {
      await t!.store.append('measure-m1', [imposition('m1', ['acme'])], 'no_stream');
      const { secret } = await register({ feed: 'effective', after: '0', filters: { subject: ['acme'] } });
      await receiver.until((r) => r.accepted.length >= 1);
      const payload = new Webhook(secret).verify(
        receiver.accepted[0]!.body,
        receiver.accepted[0]!.headers as Record<string, string>,
      ) as { id: string; subjectId: string };
      expect(payload).toMatchObject({ subjectId: 'acme', id: expect.stringMatching(/^\d+-[01]-\d+-acme$/) });
    });

    it("resumes a named consumer's SSE feed after its acknowledged position, across a restart", async () => {
      await t!.store.append('measure-m1', [imposition('m1'), imposition('m1'), imposition('m1')], 'no_stream');
      const [, second, third] = await logPositions();
      const reader = bearer('reader');
      const ack = await t!.http.post('/v1/consumers/screening/ack').set(reader).send({ position: second });
      expect(ack.body).toEqual({ name: 'screening', position: second });
      await t!.close();
      t = await startTestApp({ store: await stores.open() });
      expect((await t.http.get('/v1/consumers/screening').set(reader)).body).toEqual({
        name: 'screening',
        position: second,
      });
      await t.app.listen(0, '127.0.0.1');
      const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
      const feed = await SseConnection.open(`${url}/v1/changes?consumer=screening`, reader);
      try {
        await feed.until((c) => c.messages.length >= 1);
        expect(feed.messages[0]!.id).toBe(third);
      } finally {
        feed.close();
      }
    });
  });
});
