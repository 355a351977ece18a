/**
 * The two-clocks chart's data: category membership in the ledger's category
 * sets, the status of a category over valid time as known at each record,
 * and where a record changed what was known (a late correction, a retraction).
 */
import { describe, expect, it } from '@jest/globals';
import {
  allBands,
  changedSpans,
  clipped,
  membership,
  rowBands,
  statusOf,
  validDomain,
  type KnowledgeRow,
  type StateAt,
  type ValidStep,
} from '../../web/src/chart-data.js';

describe('web/chart-data', () => {
  const set = (categories: string[], except: string[] = []) => ({ categories, except });
  const state = (at: string, restricted = set([]), exempt = set([])): StateAt => ({ at, restricted, exempt });
  const step = (before: StateAt, after: StateAt): ValidStep => ({ before, after });
  const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);

  const NOTHING = state('2019-01-01');
  const LISTED = set(['exports']);
  const LICENSED = set(['exports'], ['exports/handsets']);
  const LICENCE = set(['exports/handsets']);

  /** Listed from 2019-05-16; a licence for handsets from 2019-05-20, ending 2019-08-20 (or, once extended, 2019-11-19). */
  function row(position: string, licenceEnd?: string): KnowledgeRow {
    const steps = [step(NOTHING, state('2019-05-16', LISTED))];
    if (licenceEnd) {
      steps.push(step(state('2019-05-16', LISTED), state('2019-05-20', LICENSED, LICENCE)));
      steps.push(step(state('2019-05-20', LICENSED, LICENCE), state(licenceEnd, LISTED)));
    }
    return { position, recordedAt: '2026-01-01T00:00:00Z', label: `@${position}`, steps };
  }

  describe('membership of a category in a set', () => {
    it('follows the deepest marked ancestor, and says "part" when something below differs', () => {
      expect(membership(LISTED, 'exports/handsets')).toBe('all');
      expect(membership(LICENSED, 'exports/handsets')).toBe('none');
      expect(membership(LICENSED, 'exports/handsets/parts')).toBe('none');
      expect(membership(LICENSED, 'exports')).toBe('part');
      expect(membership(LICENSED, 'exports/networks')).toBe('all');
      expect(membership(LICENCE, 'exports')).toBe('part');
      expect(membership(set(['exports-other']), 'exports')).toBe('none');
      expect(membership(set([]), 'exports')).toBe('none');
    });

    it('gives a category restricted, partially restricted, exempt or free; without one, the subject as a whole', () => {
      expect(statusOf(state('x', LICENSED, LICENCE), 'exports/handsets')).toBe('exempt');
      expect(statusOf(state('x', LICENSED, LICENCE), 'exports')).toBe('partially restricted');
      expect(statusOf(state('x', LISTED), 'exports/handsets')).toBe('restricted');
      expect(statusOf(state('x'), 'exports')).toBe('free');
      expect(statusOf(state('x', LISTED))).toBe('restricted');
      expect(statusOf(state('x', LICENSED, LICENCE))).toBe('partially restricted');
      expect(statusOf(state('x', set([]), LICENCE))).toBe('exempt');
      expect(statusOf(state('x'))).toBe('free');
    });
  });

  describe('bands over valid time', () => {
    it('cut a row at each change of status, merge equal neighbours, and leave the ends open', () => {
      expect(rowBands(row('2', '2019-08-20'), 1, 'exports/handsets')).toEqual([
        { row: 1, position: '2', label: '@2', from: null, until: ms('2019-05-16'), status: 'free' },
        { row: 1, position: '2', label: '@2', from: ms('2019-05-16'), until: ms('2019-05-20'), status: 'restricted' },
        { row: 1, position: '2', label: '@2', from: ms('2019-05-20'), until: ms('2019-08-20'), status: 'exempt' },
        { row: 1, position: '2', label: '@2', from: ms('2019-08-20'), until: null, status: 'restricted' },
      ]);
      // For another category the licence changes nothing: one restricted stretch from the listing on.
      expect(rowBands(row('2', '2019-08-20'), 1, 'exports/networks').map((b) => [b.from, b.until, b.status])).toEqual([
        [null, ms('2019-05-16'), 'free'],
        [ms('2019-05-16'), null, 'restricted'],
      ]);
      expect(rowBands({ position: '1', recordedAt: '', label: '@1', steps: [] }, 0, 'exports')).toEqual([
        { row: 0, position: '1', label: '@1', from: null, until: null, status: 'free' },
      ]);
    });

    it('mark where each record changed what was known: the first record from nothing, a late extension only where it differs', () => {
      const rows = [row('1'), row('2', '2019-08-20'), row('3', '2019-08-20'), row('6', '2019-11-19')];
      const spans = changedSpans(rows, 'exports/handsets').map((s) => [s.position, s.from, s.until, s.status]);
      expect(spans).toEqual([
        ['1', ms('2019-05-16'), null, 'restricted'],
        ['2', ms('2019-05-20'), ms('2019-08-20'), 'exempt'],
        // record 3 changed nothing here; record 6 extended the licence by three months
        ['6', ms('2019-08-20'), ms('2019-11-19'), 'exempt'],
      ]);
      // A retraction of the licence shows up on its own row, as the stretch turning back.
      const retracted = changedSpans([row('2', '2019-08-20'), row('9')], 'exports/handsets').filter(
        (s) => s.position === '9',
      );
      expect(retracted.map((s) => [s.from, s.until, s.status])).toEqual([
        [ms('2019-05-20'), ms('2019-08-20'), 'restricted'],
      ]);
    });

    it('draw within a domain around every instant and the question, closing open ends at its edges', () => {
      const bands = allBands([row('1'), row('2', '2019-08-20')], 'exports/handsets');
      const [low, high] = validDomain(bands, ms('2020-06-01'));
      expect(low).toBeLessThan(ms('2019-05-16'));
      expect(high).toBeGreaterThan(ms('2020-06-01'));
      const drawn = clipped(bands, [low, high]);
      expect(drawn).toHaveLength(bands.length);
      expect(drawn[0]!.x1.getTime()).toBe(low);
      expect(drawn.at(-1)!.x2.getTime()).toBe(high);
      // A narrower window: only what overlaps it, cut to it.
      const june = clipped(bands, [ms('2019-06-01'), ms('2019-07-01')]);
      expect(june.map((b) => [b.position, b.status, b.x1.getTime(), b.x2.getTime()])).toEqual([
        ['1', 'restricted', ms('2019-06-01'), ms('2019-07-01')],
        ['2', 'exempt', ms('2019-06-01'), ms('2019-07-01')],
      ]);
    });
  });
});
