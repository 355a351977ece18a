/**
 * Both clocks at once, over HTTP: late corrections and retractions change
 * answers as of their record time and later, never before; the live read
 * model equals a rebuilt one; a query sees the command acknowledged before it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildReadModel } from '../../src/queries/read-model.service.js';
import { subjectState } from '../../projections/subject-queries.js';
import { ReadModelService } from '../../src/queries/read-model.service.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { imposeBody, M } from '../support/commands.js';
import { withHeldSubscriptions } from '../support/held-subscription-store.js';
import { appPerBlock, appPerTest, bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { systemClock, type LedgerClock } from '../../src/clock.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';

describe('queries/bitemporal', () => {
  let t: TestApp;
  const useApp = (app: TestApp) => (t = app);

  const post = async (body: object) =>
    (await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;
  const get = async (path: string) => (await t.http.get(path).set(bearer('reader')).expect(200)).body;
  /**
   * The ledger's clock in these tests: the wall clock, except that the test moves it on at once where it would
   * otherwise wait for the wall clock to pass an instant. The store stamps record time with it and the app reads
   * now from it.
   */
  let clockFloor = 0;
  const now = () => Math.max(Date.now(), clockFloor);
  const clock: LedgerClock = {
    now,
    sleepUntil: (ms, signal) => systemClock.sleepUntil(ms - (now() - Date.now()), signal),
  };
  /** An instant after every record time so far and before every later one: what was known "between" two writes. */
  const between = async (): Promise<string> => {
    const last = Date.parse((await t.store.readAll({ direction: 'backwards', maxCount: 1 }))[0]!.recordedAt);
    const instant = Math.max(now(), last + 1);
    // The next write is recorded after it, and the app's now is past it (an asOf in the future is answered as now).
    clockFloor = instant + 1;
    return new Date(instant).toISOString();
  };
  /** The store the suite runs on (SQLite, or EventStoreDB over the wire-level test server), stamping with `clock`. */
  async function storeOnClock(): Promise<{ store: EventStore; stop: () => Promise<void> }> {
    if (process.env.REGLEDGER_TEST_STORE !== 'eventstoredb')
      return { store: new SqliteEventStore(':memory:', { now }), stop: async () => {} };
    const server = await new EventStoreWireServer({ batchAppend: true, systemEventEvery: 5, now }).start();
    return {
      store: await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 }),
      stop: () => server.stop(),
    };
  }
  const restrictedAt = async (subject: string, at: string, asOf = '') =>
    (await get(`/v1/subjects/${subject}/state?at=${at}${asOf}`)).restricted.map(
      (r: { measureId: string }) => r.measureId,
    );

  // One ledger for the block: each test names a measure and a subject of its own, so none sees another's writes.
  describe('bitemporal answers', () => {
    let stopStore: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const { store, stop } = await storeOnClock();
      stopStore = stop;
      t = await startTestApp({ store, clock });
    });
    afterAll(async () => {
      await t?.close();
      await stopStore?.();
    });

    it('a late correction of an effective date changes answers as of its record time and later only', async () => {
      const imposed = await post(
        imposeBody({ measureId: 'corrected', subjects: ['corrected-co'], effectiveFrom: '2019-06-01' }),
      );
      const knownBetween = await between();
      const corrected = await post({
        type: 'CorrectEntry',
        measureId: 'corrected',
        eventId: imposed.events[0].eventId,
        reason: 'in force from 1 May',
        replacement: {
          ...imposeBody({ measureId: 'corrected', subjects: ['corrected-co'], effectiveFrom: '2019-05-01' }),
          type: undefined,
        },
      });
      expect(await restrictedAt('corrected-co', '2019-05-15', `&asOfPosition=${imposed.position}`)).toEqual([]);
      expect(await restrictedAt('corrected-co', '2019-05-15', `&asOf=${knownBetween}`)).toEqual([]);
      expect(await restrictedAt('corrected-co', '2019-05-15', `&asOfPosition=${corrected.position}`)).toEqual([
        'corrected',
      ]);
      expect(await restrictedAt('corrected-co', '2019-05-15')).toEqual(['corrected']);
      const basis = (await get('/v1/subjects/corrected-co/state?at=2019-05-15')).restricted[0].basis.map(
        (b: { type: string }) => b.type,
      );
      expect(basis).toEqual(['RestrictionImposed', 'EntryCorrected']);
    });

    it('retracting the imposition removes the measure from later answers only', async () => {
      const imposed = await post(imposeBody({ measureId: 'retracted', subjects: ['retracted-co'] }));
      const before = await between();
      await post({
        type: 'RetractEntry',
        measureId: 'retracted',
        eventId: imposed.events[0].eventId,
        reason: 'recorded by mistake',
      });
      expect(await restrictedAt('retracted-co', '2019-06-01')).toEqual([]);
      expect(await restrictedAt('retracted-co', '2019-06-01', `&asOf=${before}`)).toEqual(['retracted']);
      expect(await restrictedAt('retracted-co', '2019-06-01', `&asOfPosition=${imposed.position}`)).toEqual([
        'retracted',
      ]);
      await t.http.get('/v1/measures/retracted?at=2019-06-01').set(bearer('reader')).expect(404);
    });

    it('answers for the head, and says so, when asked beyond what the ledger holds', async () => {
      const { position } = await post(imposeBody({ measureId: 'beyond', subjects: ['beyond-co'] }));
      const beyond = BigInt(position) + 1000n;
      const ahead = await get(`/v1/subjects/beyond-co/state?at=2019-06-01&asOfPosition=${beyond}`);
      expect(ahead).toMatchObject({ asOfPosition: position, notice: expect.stringContaining('beyond') });
      const future = await get('/v1/subjects/beyond-co/state?at=2019-06-01&asOf=2999-01-01');
      expect(future).toMatchObject({ asOfPosition: position, notice: expect.stringContaining('beyond') });
      expect((await get('/v1/subjects/beyond-co/state?at=2019-06-01')).notice).toBeUndefined();
    });
  });

  describe('a read model that lags', () => {
    const held = withHeldSubscriptions(new SqliteEventStore(':memory:'));
    beforeAll(async () => {
      t = await startTestApp({ store: held.store });
    });
    afterAll(async () => t.close());

    it('a query made right after an acknowledged command sees it, even when the read model lags', async () => {
      const readModel = t.app.get(ReadModelService);
      held.release(BigInt((await post(imposeBody({ subjects: ['acme'] }))).position));
      for (let i = 0; i < 3; i++) {
        const { position } = await post({
          type: 'AddSubjects',
          measureId: M,
          subjects: [`acme-${i}`],
          effectiveFrom: '2019-06-01',
        });
        // The read model has not been given the acknowledged event.
        expect(readModel.position).toBeLessThan(BigInt(position));
        const waitingBefore = readModel.waiting;
        let answered = false;
        const answer = get(`/v1/subjects/acme-${i}/check?category=exports&at=2019-06-02`).finally(
          () => (answered = true),
        );
        // Released once the query waits for the read model (looked at on every turn of the event loop, no timer); a
        // query that answers without waiting answers from the lagging model, and the expectation below says so.
        while (readModel.waiting === waitingBefore && !answered) await new Promise(setImmediate);
        held.release(BigInt(position));
        expect((await answer).status).toBe('restricted');
      }
    });
  });

  describe('query parameters', () => {
    appPerBlock(useApp);

    it.each([
      ['/v1/subjects/acme/state?at=yesterday', 'at'],
      ['/v1/subjects/acme/state?asOf=2019-02-30', 'asOf'],
      ['/v1/subjects/acme/state?asOfPosition=-3', 'asOfPosition'],
      ['/v1/subjects/acme/state?asOf=2019-01-01&asOfPosition=3', 'asOfPosition'],
      ['/v1/subjects/Acme%20Inc/state', 'subjectId'],
      ['/v1/subjects/acme/check', 'category'],
      ['/v1/subjects/acme/check?category=Exports', 'category'],
      ['/v1/subjects/acme/timeline?from=2020-01-01&to=2019-01-01', 'to'],
    ])('%s is a 400 naming %s', async (path, field) => {
      const response = await t.http.get(path).set(bearer('reader')).expect(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('needs a reader key', async () => {
      await t.http.get('/v1/subjects/acme/state').expect(401);
    });
  });

  describe('the read model is a cache of the log', () => {
    appPerTest(useApp);

    it('a rebuilt read model answers exactly as the live one', async () => {
      await post(imposeBody());
      const grant = await post({
        type: 'GrantExemption',
        measureId: M,
        exemptionId: 'tgl',
        title: 'licence',
        categories: ['exports/maintenance'],
        effectiveFrom: '2019-06-01',
        effectiveUntil: '2019-09-01',
      });
      await post({ type: 'AddSubjects', measureId: M, subjects: ['late'], effectiveFrom: '2019-07-01' });
      await post({ type: 'NarrowScope', measureId: M, remove: ['exports/food'], effectiveFrom: '2019-08-01' });
      await post({ type: 'RetractEntry', measureId: M, eventId: grant.events[0].eventId, reason: 'never issued' });
      const live = await t.app.get(ReadModelService).current();
      const { model: rebuilt, stats } = await buildReadModel(t.store);
      const positions = (await t.store.readAll()).map((e) => e.position);
      expect(stats).toMatchObject({ events: 5, measures: 1, position: positions.at(-1)!.toString() });
      for (const subject of ['acme', 'acme-sub', 'late', 'nobody']) {
        for (const day of ['2019-05-01', '2019-06-15', '2019-07-15', '2019-08-15', '2019-10-01']) {
          for (const asOfPosition of [0n, ...positions]) {
            const k = { at: Date.parse(day), asOfPosition };
            expect(subjectState(rebuilt, subject, k)).toEqual(subjectState(live, subject, k));
          }
        }
      }
      const before = await get('/v1/subjects/late/state?at=2019-08-15');
      const response = await t.http.post('/v1/admin/rebuild').set(bearer('admin')).expect(201);
      expect(response.body).toMatchObject({ events: 5, eventsPerSecond: expect.any(Number) });
      expect(await get('/v1/subjects/late/state?at=2019-08-15')).toEqual({ ...before, asOf: expect.any(String) });
      await t.http.post('/v1/admin/rebuild').set(bearer('writer')).expect(403);
    });
  });
});
