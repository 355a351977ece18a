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
import { withSlowSubscriptions } from '../support/slow-subscription-store.js';
import { appPerBlock, appPerTest, bearer, startTestApp, type TestApp } from '../support/http-app.js';

let t: TestApp;
const useApp = (app: TestApp) => (t = app);

const post = async (body: object) =>
  (await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;
const get = async (path: string) => (await t.http.get(path).set(bearer('reader')).expect(200)).body;
/** An instant after every record time so far, once the clock has passed it: what was known "between" two writes. */
const between = async (): Promise<string> => {
  const last = Date.parse((await t.store.readAll({ direction: 'backwards', maxCount: 1 }))[0]!.recordedAt);
  while (Date.now() <= last) await new Promise(setImmediate);
  const instant = Date.now();
  // The next write is recorded after it: record time never runs backwards, and the clock has moved on.
  while (Date.now() <= instant) await new Promise(setImmediate);
  return new Date(instant).toISOString();
};
const restrictedAt = async (subject: string, at: string, asOf = '') =>
  (await get(`/v1/subjects/${subject}/state?at=${at}${asOf}`)).restricted.map(
    (r: { measureId: string }) => r.measureId,
  );

// One ledger for the block: each test names a measure and a subject of its own, so none sees another's writes.
describe('bitemporal answers', () => {
  appPerBlock(useApp);

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
  beforeAll(async () => {
    t = await startTestApp({ store: withSlowSubscriptions(new SqliteEventStore(':memory:'), 40) });
  });
  afterAll(async () => t.close());

  it('a query made right after an acknowledged command sees it, even when the read model lags', async () => {
    await post(imposeBody({ subjects: ['acme'] }));
    for (let i = 0; i < 10; i++) {
      await post({ type: 'AddSubjects', measureId: M, subjects: [`acme-${i}`], effectiveFrom: '2019-06-01' });
      const check = await get(`/v1/subjects/acme-${i}/check?category=exports&at=2019-06-02`);
      expect(check.status).toBe('restricted');
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
