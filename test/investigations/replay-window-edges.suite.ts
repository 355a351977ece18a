/**
 * Replay's window is the timeline's: `from` and `to` bound the half-open
 * interval [from, to) (of valid time in valid order, of record time in record
 * order), so a step at exactly `to` is left out, as a timeline interval
 * beginning at `to` is. And a changed interval open to the future says so
 * with `until: null`, as a timeline interval does, not by leaving `until` out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { replaySubject } from '../../projections/replay.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import { imposeBody } from '../support/commands.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('investigations/replay-window-edges', () => {
  const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

  /** m1 restricts `a` for s1 from 01-01, broadens to `b` from 02-01 and to `c` from 03-01. */
  function broadenedTwice() {
    const ledger = new DecidedLedger();
    const imposed = ledger.append(imposition('m1', ['s1'], ['a'], '2019-01-01'));
    const broadened = ledger.append({
      type: 'BroadenScope',
      measureId: 'm1',
      categories: ['b'],
      effectiveFrom: '2019-02-01',
    });
    const again = ledger.append({
      type: 'BroadenScope',
      measureId: 'm1',
      categories: ['c'],
      effectiveFrom: '2019-03-01',
    });
    return { ledger, imposed, broadened, again };
  }

  it('in valid order, a step at exactly `to` is outside the window, as the timeline interval starting there is', () => {
    const { ledger } = broadenedTwice();
    const window = { from: at('2019-01-01'), to: at('2019-02-01') };
    const asOfPosition = ledger.model.position;
    const steps = replaySubject(ledger.model, 's1', { order: 'valid', asOfPosition, ...window }).steps;
    const timeline = subjectTimeline(ledger.model, 's1', asOfPosition, window);
    expect(steps.map((s) => s.effectiveAt)).toEqual(['2019-01-01T00:00:00.000Z']);
    expect(steps.map((s) => s.effectiveAt)).toEqual(timeline.intervals.map((i) => i.from));
    // `from` is inside: the window [02-01, 03-01) holds the step at 02-01 and not the one at 03-01.
    const next = replaySubject(ledger.model, 's1', {
      order: 'valid',
      asOfPosition,
      from: at('2019-02-01'),
      to: at('2019-03-01'),
    }).steps;
    expect(next.map((s) => s.effectiveAt)).toEqual(['2019-02-01T00:00:00.000Z']);
  });

  it('in record order, a record made at exactly `to` is outside the window, one made at `from` inside', () => {
    const { ledger, broadened, again } = broadenedTwice();
    const steps = replaySubject(ledger.model, 's1', {
      order: 'record',
      asOfPosition: ledger.model.position,
      from: Date.parse(broadened.recordedAt),
      to: Date.parse(again.recordedAt),
    }).steps;
    expect(steps.map((s) => s.eventId)).toEqual([broadened.eventId]);
  });

  it('a changed interval open to the future has `until: null`; a closed one its end', () => {
    const { ledger, imposed } = broadenedTwice();
    const grant = ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-04-01',
      effectiveUntil: '2019-05-01',
    });
    const steps = replaySubject(ledger.model, 's1', { order: 'record', asOfPosition: ledger.model.position }).steps;
    const intervalsOf = (eventId: string) => steps.find((s) => s.eventId === eventId)!.changedIntervals!;
    const opened = intervalsOf(imposed.eventId);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toHaveProperty('until', null);
    expect(intervalsOf(grant.eventId).map((i) => [i.from, i.until])).toEqual([
      ['2019-04-01T00:00:00.000Z', '2019-05-01T00:00:00.000Z'],
    ]);
  });

  describe('over HTTP', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
    });
    afterAll(async () => t.close());

    const get = async (path: string) => (await t.http.get(path).set(bearer('reader')).expect(200)).body;
    const post = async (body: object) => t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201);

    it('replay and timeline agree on `to`, and an open changed interval is written `"until": null`', async () => {
      const measureId = 'replay-window-edges';
      await post(imposeBody({ measureId, subjects: ['s-edges'], categories: ['a'], effectiveFrom: '2019-01-01' }));
      await post({ type: 'BroadenScope', measureId, categories: ['b'], effectiveFrom: '2019-02-01' });
      const window = 'from=2019-01-01&to=2019-02-01';
      const replay = await get(`/v1/subjects/s-edges/replay?order=valid&${window}`);
      const timeline = await get(`/v1/subjects/s-edges/timeline?${window}`);
      const starts = (replay.steps as { effectiveAt: string }[]).map((s) => s.effectiveAt);
      expect(starts).toEqual(['2019-01-01T00:00:00.000Z']);
      expect(starts).toEqual((timeline.intervals as { from: string }[]).map((i) => i.from));

      const record = await get('/v1/subjects/s-edges/replay?order=record');
      const intervals = record.steps.flatMap((s: { changedIntervals: object[] }) => s.changedIntervals);
      expect(intervals).toHaveLength(2);
      for (const interval of intervals) expect(interval).toHaveProperty('until', null);
    });
  });
});
