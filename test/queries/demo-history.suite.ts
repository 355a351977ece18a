/**
 * The shipped demo history, queried over HTTP across its tricky dates.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DEMO_FILE } from '../../src/package-root.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('queries/demo-history', () => {
  let t: TestApp;
  /** The log position of the demo's nth event (1-based): positions are the store's to choose. */
  let positions: string[] = [];
  const nth = (n: number) => positions[n - 1]!;
  const MEASURE = 'us-ear-entity-list-huawei';
  const TGL = [
    'exports/5g-standards',
    'exports/cybersecurity-research',
    'exports/existing-handset-support',
    'exports/existing-network-maintenance',
  ];

  beforeAll(async () => {
    // A fixed "now" keeps default record times meaningful whatever day the test runs.
    t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
    positions = (await t.store.readAll()).map((e) => e.position.toString());
  });
  afterAll(async () => t.close());

  const get = async (path: string) => (await t.http.get(path).set(bearer('reader')).expect(200)).body;
  const status = async (subject: string, category: string, at: string, extra = '') =>
    (await get(`/v1/subjects/${subject}/check?category=${category}&at=${encodeURIComponent(at)}${extra}`)).status;

  describe('the Huawei listing of 16 May 2019', () => {
    it('takes effect at 4:15 pm EDT on the 16th, not at publication on the 21st', async () => {
      expect(await status('huawei', 'exports', '2019-05-16T16:14:59-04:00')).toBe('not-restricted');
      expect(await status('huawei', 'exports', '2019-05-16T16:15:00-04:00')).toBe('restricted');
      expect(await status('huawei', 'exports', '2019-05-16T20:15:00Z')).toBe('restricted');
      expect(await status('hisilicon', 'exports/semiconductors', '2019-05-18')).toBe('restricted');
    });

    it('is pending (announced, no legal effect) between the announcement and the effective time', async () => {
      const state = await get('/v1/subjects/huawei/state?at=2019-05-16T12:00:00Z');
      expect(state.restricted).toEqual([]);
      expect(state.pending).toEqual([
        expect.objectContaining({ measureId: MEASURE, kind: 'imposition', announcedAt: '2019-05-15T00:00:00.000Z' }),
      ]);
    });

    it('answers with the basis of every element, citations included', async () => {
      const state = await get('/v1/subjects/huawei/state?at=2019-05-18');
      expect(state.restricted).toEqual([
        expect.objectContaining({
          measureId: MEASURE,
          categories: ['exports'],
          except: [],
          basis: [expect.objectContaining({ type: 'RestrictionImposed', citation: '84 FR 22961', position: nth(1) })],
        }),
      ]);
      expect(state).toMatchObject({ subjectId: 'huawei', at: '2019-05-18T00:00:00.000Z', asOfPosition: nth(7) });
    });
  });

  describe('the Temporary General License', () => {
    it('exempts its four categories from 20 May, leaving exports partially restricted', async () => {
      expect(await status('huawei', 'exports/existing-handset-support', '2019-05-19T23:59:59Z')).toBe('restricted');
      expect(await status('huawei', 'exports/existing-handset-support', '2019-05-20')).toBe('not-restricted');
      expect(await status('huawei', 'exports/existing-handset-support/firmware', '2019-06-30')).toBe('not-restricted');
      expect(await status('huawei', 'exports', '2019-06-30')).toBe('partially-restricted');
      const check = await get('/v1/subjects/huawei/check?category=exports/existing-handset-support&at=2019-06-30');
      expect(check.exemptions).toEqual([
        expect.objectContaining({ exemptionId: 'tgl-huawei', effectiveUntil: '2019-08-20T00:00:00.000Z' }),
      ]);
      expect(check.basis.map((b: { citation?: string }) => b.citation)).toContain('84 FR 23468');
    });

    it('takes the 5G-standards category away on 19 August and keeps the others', async () => {
      expect(await status('huawei', 'exports/5g-standards', '2019-08-18T23:59:59Z')).toBe('not-restricted');
      expect(await status('huawei', 'exports/5g-standards', '2019-08-19')).toBe('restricted');
      expect(await status('huawei', 'exports/cybersecurity-research', '2019-08-19')).toBe('not-restricted');
    });

    it('is extended through 18 November and 16 February, then lapses', async () => {
      expect(await status('huawei', 'exports/existing-network-maintenance', '2019-11-18T23:59:59Z')).toBe(
        'not-restricted',
      );
      expect(await status('huawei', 'exports/existing-network-maintenance', '2020-02-16T12:00:00Z')).toBe(
        'not-restricted',
      );
      expect(await status('huawei', 'exports/existing-network-maintenance', '2020-02-17')).toBe('restricted');
    });
  });

  describe('announcements and affiliates', () => {
    it('keeps the G20 statement pending with no legal change', async () => {
      const before = await get('/v1/subjects/huawei/state?at=2019-06-28');
      const after = await get('/v1/subjects/huawei/state?at=2019-06-30');
      expect(after.restricted.map((r: object) => ({ ...r, basis: undefined }))).toEqual(
        before.restricted.map((r: object) => ({ ...r, basis: undefined })),
      );
      expect(before.pending).toEqual([]);
      expect(after.pending.map((p: { announcementId: string }) => p.announcementId)).toEqual(['g20-osaka-2019']);
      const july = await get('/v1/subjects/huawei/state?at=2019-07-10');
      expect(july.pending.map((p: { announcementId: string }) => p.announcementId)).toEqual([
        'g20-osaka-2019',
        'commerce-licences-2019-07',
      ]);
    });

    it('restricts the August affiliates from 19 August, under the extended licence too', async () => {
      expect(await status('huawei-affiliate-aug-01', 'exports', '2019-08-18')).toBe('not-restricted');
      expect(await status('huawei-affiliate-aug-01', 'exports', '2019-08-19')).toBe('partially-restricted');
      expect(await status('huawei-affiliate-aug-01', 'exports/existing-handset-support', '2019-09-01')).toBe(
        'not-restricted',
      );
      expect(await status('huawei-affiliate-aug-01', 'exports/5g-standards', '2019-09-01')).toBe('restricted');
    });

    it('as known before the August rule was recorded, the affiliates were not restricted', async () => {
      expect(await status('huawei-affiliate-aug-01', 'exports', '2019-09-01', `&asOfPosition=${nth(4)}`)).toBe(
        'not-restricted',
      );
      // As known then, the licence ran out on 19 August; the extension was recorded later (the 6th event).
      expect(await status('huawei', 'exports/existing-handset-support', '2019-09-01', `&asOfPosition=${nth(4)}`)).toBe(
        'restricted',
      );
      expect(await status('huawei', 'exports/existing-handset-support', '2019-09-01', `&asOfPosition=${nth(6)}`)).toBe(
        'not-restricted',
      );
    });

    it('answers for a subject it has never heard of: nothing restricts it', async () => {
      const state = await get('/v1/subjects/acme/state?at=2019-09-01');
      expect(state).toMatchObject({ subjectId: 'acme', restricted: [], exemptions: [], pending: [] });
      expect(await status('acme', 'exports', '2019-09-01')).toBe('not-restricted');
    });
  });

  describe('timeline and measure view', () => {
    it("lists the intervals of huawei's restricted set with what changed and why", async () => {
      const timeline = await get('/v1/subjects/huawei/timeline');
      expect(timeline.intervals.map((i: { from: string; until: string | null }) => [i.from, i.until])).toEqual([
        ['2019-05-16T20:15:00.000Z', '2019-05-20T00:00:00.000Z'],
        ['2019-05-20T00:00:00.000Z', '2019-08-19T00:00:00.000Z'],
        ['2019-08-19T00:00:00.000Z', '2020-02-17T00:00:00.000Z'],
        ['2020-02-17T00:00:00.000Z', null],
      ]);
      const [listing, licence, narrowed, lapsed] = timeline.intervals;
      expect(listing.became.restricted).toEqual({ categories: ['exports'], except: [] });
      expect(listing.changes).toEqual([
        expect.objectContaining({ type: 'RestrictionImposed', citation: '84 FR 22961' }),
      ]);
      expect(licence.became.unrestricted).toEqual({ categories: TGL, except: [] });
      expect(narrowed.became.restricted).toEqual({ categories: ['exports/5g-standards'], except: [] });
      // Only the amendment causes it: the affiliates added that day (84 FR 43493) change nothing for huawei.
      expect(narrowed.changes.map((c: { citation: string }) => c.citation)).toEqual(['84 FR 43487']);
      // The licence lapses with no event taking effect then: the extension that set its end is why.
      expect(lapsed.changes.map((c: { citation: string }) => c.citation)).toEqual(['84 FR 64018']);
    });

    it('shows the measure as in force at a time', async () => {
      const view = await get(`/v1/measures/${MEASURE}?at=2019-09-01`);
      expect(view).toMatchObject({
        measureId: MEASURE,
        inForce: true,
        scope: { categories: ['exports'], except: [] },
        citation: '84 FR 22961',
      });
      expect(view.subjects).toContain('huawei-affiliate-aug-04');
      expect(view.exemptions).toEqual([
        expect.objectContaining({
          exemptionId: 'tgl-huawei',
          subjects: 'all',
          categories: TGL.slice(1),
          effectiveUntil: '2019-11-19T00:00:00.000Z',
        }),
      ]);
      expect((await get(`/v1/measures/${MEASURE}?at=2019-05-01`)).inForce).toBe(false);
      await t.http.get('/v1/measures/nothing-here').set(bearer('reader')).expect(404);
      await t.http.get(`/v1/measures/${MEASURE}?asOfPosition=0`).set(bearer('reader')).expect(404);
    });
  });
});
