/**
 * A timeline asked for a window (`from`, `to`) is the whole timeline clipped
 * to it: the same intervals, what `became` restricted or unrestricted and the
 * events that caused it, with the first interval's change told against the
 * state just before `from`. Where nothing changes at `from`, the first
 * interval starts there and claims no change; before any restriction there
 * is no interval to clip.
 */
import { describe, expect, it } from '@jest/globals';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { subjectTimeline, type SubjectTimeline } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { realise } from '../support/history-generator.js';

describe('investigations/timeline-window', () => {
  const NOTHING = { categories: [], except: [] };
  const iso = (date: string) => new Date(date).toISOString();

  /** The reviewer's history: a measure on s1, broadened, with a licence that ends, is extended, and revoked after. */
  const commands: LedgerCommand[] = [
    {
      type: 'ImposeRestriction',
      measureId: 'm1',
      title: 'Listing',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: ['s1'],
      categories: ['a'],
      effectiveFrom: '2019-01-01',
    },
    { type: 'BroadenScope', measureId: 'm1', categories: ['b'], effectiveFrom: '2019-02-01' },
    {
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e1',
      title: 'Licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01',
      effectiveUntil: '2019-04-01',
    },
    {
      type: 'AmendExemption',
      measureId: 'm1',
      exemptionId: 'e1',
      effectiveFrom: '2019-04-10',
      effectiveUntil: '2019-05-01',
    },
    { type: 'RevokeExemption', measureId: 'm1', exemptionId: 'e1', effectiveFrom: '2019-06-01' },
  ];

  const events = realise(commands.map((command) => ({ kind: 'command' as const, command })));
  const model = events.reduce(evolve, initialState());
  const [imposed, broadened, granted, amended] = events.map((e) => e.eventId);

  function timeline(from?: string, to?: string): SubjectTimeline {
    return subjectTimeline(model, 's1', model.position, {
      ...(from ? { from: Date.parse(from) } : {}),
      ...(to ? { to: Date.parse(to) } : {}),
    });
  }

  /** Each interval as a line: its span, what became restricted and unrestricted, and the events credited. */
  const lines = (t: SubjectTimeline) =>
    t.intervals.map((i) => ({
      from: i.from,
      until: i.until,
      became: i.became,
      changes: i.changes.map((c) => c.eventId),
    }));

  describe('a timeline asked for a window', () => {
    it('records the whole history the ledger accepted', () => {
      expect(events.map((e) => e.type)).toEqual([
        'RestrictionImposed',
        'ScopeBroadened',
        'ExemptionGranted',
        'ExemptionAmended',
        'ExemptionRevoked',
      ]);
    });

    it('from exactly at a licence taking effect says the licensed category became unrestricted, caused by the grant', () => {
      expect(lines(timeline('2019-03-01', '2019-04-02'))).toEqual([
        {
          from: iso('2019-03-01'),
          until: iso('2019-04-01'),
          became: { restricted: NOTHING, unrestricted: { categories: ['a/x'], except: [] } },
          changes: [granted],
        },
        {
          from: iso('2019-04-01'),
          until: iso('2019-04-02'),
          became: { restricted: { categories: ['a/x'], except: [] }, unrestricted: NOTHING },
          changes: [granted],
        },
      ]);
    });

    it('from exactly at a broadening says only the added category became restricted, the earlier one was already', () => {
      const [first] = lines(timeline('2019-02-01', '2019-03-01'));
      expect(first).toEqual({
        from: iso('2019-02-01'),
        until: iso('2019-03-01'),
        became: { restricted: { categories: ['b'], except: [] }, unrestricted: NOTHING },
        changes: [broadened],
      });
    });

    it('from inside an interval starts the first interval there and claims no change; to cuts the last', () => {
      const windowed = timeline('2019-02-15', '2019-04-15');
      expect(lines(windowed)).toEqual([
        {
          from: iso('2019-02-15'),
          until: iso('2019-03-01'),
          became: { restricted: NOTHING, unrestricted: NOTHING },
          changes: [],
        },
        {
          from: iso('2019-03-01'),
          until: iso('2019-04-01'),
          became: { restricted: NOTHING, unrestricted: { categories: ['a/x'], except: [] } },
          changes: [granted],
        },
        {
          from: iso('2019-04-01'),
          until: iso('2019-04-10'),
          became: { restricted: { categories: ['a/x'], except: [] }, unrestricted: NOTHING },
          changes: [granted],
        },
        {
          from: iso('2019-04-10'),
          until: iso('2019-04-15'),
          became: { restricted: NOTHING, unrestricted: { categories: ['a/x'], except: [] } },
          changes: [amended],
        },
      ]);
      // What is restricted is stated for the first interval all the same.
      expect(windowed.intervals[0]!.restricted).toEqual([{ measureId: 'm1', categories: ['a', 'b'], except: [] }]);
    });

    it('from before any fact starts with the first restriction, with no empty interval claimed before it', () => {
      expect(lines(timeline('2018-06-01', '2019-02-15'))).toEqual([
        {
          from: iso('2019-01-01'),
          until: iso('2019-02-01'),
          became: { restricted: { categories: ['a'], except: [] }, unrestricted: NOTHING },
          changes: [imposed],
        },
        {
          from: iso('2019-02-01'),
          until: iso('2019-02-15'),
          became: { restricted: { categories: ['b'], except: [] }, unrestricted: NOTHING },
          changes: [broadened],
        },
      ]);
    });

    it('a window wholly before any fact has no intervals', () => {
      expect(timeline('2018-06-01', '2018-12-31').intervals).toEqual([]);
    });

    it('from after the last change gives one open interval that claims no change', () => {
      expect(lines(timeline('2019-07-01'))).toEqual([
        { from: iso('2019-07-01'), until: null, became: { restricted: NOTHING, unrestricted: NOTHING }, changes: [] },
      ]);
    });

    it('to alone keeps every change before it and cuts the interval it falls in', () => {
      const whole = lines(timeline());
      const cut = lines(timeline(undefined, '2019-03-15'));
      expect(cut).toEqual([whole[0], whole[1], { ...whole[2], until: iso('2019-03-15') }]);
    });

    it('the revocation after the licence has ended changes nothing and starts no interval', () => {
      expect(lines(timeline('2019-05-15')).map((i) => i.from)).toEqual([iso('2019-05-15')]);
      expect(lines(timeline()).map((i) => i.from)).not.toContain(iso('2019-06-01'));
    });
  });
});
