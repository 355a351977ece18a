/**
 * The replay route agrees with the check route: a correction that moves a
 * licence's end is a change wherever the check's verdict flips with it, and a
 * replay as of a position answers the same after later writes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../support/fake-clock.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('investigations/replay-findings-http', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
  });
  afterAll(async () => t.close());

  const get = async (path: string) => (await t.http.get(path).set(bearer('reader')).expect(200)).body;
  const post = async (body: object): Promise<{ events: { eventId: string }[]; position: string }> =>
    (await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;

  describe('GET /v1/subjects/{id}/replay against the check', () => {
    it('in record order, a correction ending a licence earlier is a change where the check flips, not "unchanged"', async () => {
      const measureId = 'replay-moved-end';
      await post(imposeBody({ measureId, subjects: ['s2-moved'], categories: ['a'], effectiveFrom: '2019-01-01' }));
      const grant = {
        measureId,
        exemptionId: 'e1',
        title: 'licence',
        categories: ['a/x'],
        effectiveFrom: '2019-03-01',
      };
      const granted = await post({ type: 'GrantExemption', ...grant, effectiveUntil: '2019-05-01' });
      const corrected = await post({
        type: 'CorrectEntry',
        measureId,
        eventId: granted.events[0]!.eventId,
        reason: 'ends in April',
        replacement: { ...grant, effectiveUntil: '2019-04-01' },
      });
      const statusAsOf = async (position: bigint) =>
        (await get(`/v1/subjects/s2-moved/check?category=a/x&at=2019-04-15&asOfPosition=${position}`)).status;
      expect(await statusAsOf(BigInt(corrected.position) - 1n)).toBe('not-restricted');
      expect(await statusAsOf(BigInt(corrected.position))).toBe('restricted');

      const replay = await get('/v1/subjects/s2-moved/replay?order=record');
      const step = replay.steps.find((s: { position: string }) => s.position === corrected.position);
      expect(step).toMatchObject({
        unchanged: false,
        causes: [{ eventId: corrected.events[0]!.eventId, type: 'EntryCorrected' }],
        changedIntervals: [
          {
            from: '2019-04-01T00:00:00.000Z',
            until: '2019-05-01T00:00:00.000Z',
            changes: { became: { restricted: { categories: ['a/x'] } }, stopped: { exempt: { categories: ['a/x'] } } },
          },
        ],
      });
    });

    it('as of a position, in either order, answers the same after a later write names the subject', async () => {
      const measureId = 'replay-later-subject';
      await post(imposeBody({ measureId, subjects: ['s1-later'], categories: ['a'], effectiveFrom: '2019-01-01' }));
      const broadened = await post({ type: 'BroadenScope', measureId, categories: ['b'], effectiveFrom: '2019-02-01' });
      const asOf = broadened.position;
      const replays = async () => [
        await get(`/v1/subjects/s6-later/replay?order=record&asOfPosition=${asOf}`),
        await get(`/v1/subjects/s6-later/replay?order=valid&asOfPosition=${asOf}`),
      ];
      const before = await replays();
      expect(before.map((r) => [r.steps, r.subjectKnown])).toEqual([
        [[], false],
        [[], false],
      ]);
      await post({ type: 'AddSubjects', measureId, subjects: ['s6-later'], effectiveFrom: '2019-06-01' });
      expect(await replays()).toEqual(before);
    });
  });
});
