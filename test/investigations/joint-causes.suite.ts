/**
 * A change no single event causes (a subject removed twice on one day) is
 * credited to its causes together, and only to them: not to other events of
 * the measure that share the day, whether they concern other subjects or
 * every subject (a broadening, a licence) but the change happens without them.
 */
import { describe, expect, it } from '@jest/globals';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { replaySubject } from '../../projections/replay.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';

describe('investigations/joint-causes', () => {
  const DAY = '2019-06-01T00:00:00.000Z';

  function log(): LoggedEvent[] {
    const events: [string, string, object][] = [
      [
        'imposed',
        'RestrictionImposed',
        {
          measureId: 'm',
          title: 't',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['acme', 'beta'],
          categories: ['exports'],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
        },
      ],
      ['removed-once', 'SubjectsRemoved', { measureId: 'm', subjects: ['acme'], effectiveFrom: DAY }],
      ['removed-again', 'SubjectsRemoved', { measureId: 'm', subjects: ['acme'], effectiveFrom: DAY }],
      ['other-added', 'SubjectsAdded', { measureId: 'm', subjects: ['gamma'], effectiveFrom: DAY }],
      ['other-removed', 'SubjectsRemoved', { measureId: 'm', subjects: ['beta'], effectiveFrom: DAY }],
      // Same day, bearing on every subject, yet the subject's removal happens with or without them.
      ['broadened', 'ScopeBroadened', { measureId: 'm', categories: ['imports'], effectiveFrom: DAY }],
      [
        'licensed',
        'ExemptionGranted',
        { measureId: 'm', exemptionId: 'x', title: 'licence', categories: ['exports/a'], effectiveFrom: DAY },
      ],
    ];
    return events.map(([name, type, data], i) => ({
      streamId: 'measure-m',
      eventId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}-${name}`.slice(0, 36),
      type,
      data,
      revision: BigInt(i),
      position: BigInt(i + 1),
      recordedAt: new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString(),
    }));
  }

  describe('changes no single event causes', () => {
    const events = log();
    const model = events.reduce(evolve, initialState());
    const idOf = (position: number) => events[position - 1]!.eventId;

    it('replay credits the two removals of the subject together, not the other changes of that day', () => {
      const replay = replaySubject(model, 'acme', { order: 'valid', asOfPosition: model.position });
      const step = replay.steps.find((s) => !s.unchanged && s.effectiveAt === DAY)!;
      expect(step.causes.map((c) => c.eventId).sort()).toEqual([idOf(2), idOf(3)].sort());
    });

    it('the timeline credits the same two where the subject stops being restricted', () => {
      const timeline = subjectTimeline(model, 'acme', model.position);
      const interval = timeline.intervals.find((i) => i.from === DAY)!;
      expect(interval.restricted).toEqual([]);
      expect(interval.changes.map((c) => c.eventId).sort()).toEqual([idOf(2), idOf(3)].sort());
    });
  });
});
