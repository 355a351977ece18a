/**
 * Stored events no reader can interpret: the decider and the read model set
 * each aside (not standing, named), and the rest of the measure is read and
 * decided on as if it had never been recorded, until it is retracted.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  evolve as foldIntoModel,
  initialState as emptyModel,
  measureAsOf,
  setAsideEvents,
  withSetAsideNotice,
} from '../../projections/ledger-read-model.js';
import { evolve } from '../../src/domain/decide.js';
import { unreadableBecause } from '../../src/domain/fact-reading.js';
import type { UncheckedFact } from '../../src/domain/facts.js';
import { resolveMeasure } from '../../src/domain/resolve-measure.js';
import { toMillis } from '../../src/domain/time.js';
import { grant, impose, MeasureSpec } from '../support/decider-spec.js';

describe('domain/unreadable-facts', () => {
  const UNREADABLE: [string, string, unknown][] = [
    [
      'an instant before year 0000',
      'SubjectsAdded',
      { measureId: 'm1', subjects: ['x'], effectiveFrom: '-000001-12-31T23:59:00.000Z' },
    ],
    [
      'an instant after year 9999',
      'RestrictionLifted',
      { measureId: 'm1', effectiveFrom: '+010000-01-01T00:00:00.000Z' },
    ],
    [
      'an unparsable instant',
      'ScopeBroadened',
      { measureId: 'm1', categories: ['services'], effectiveFrom: 'next tuesday' },
    ],
    ['a missing array', 'SubjectsRemoved', { measureId: 'm1', effectiveFrom: '2020-01-01T00:00:00.000Z' }],
    [
      'a list of the wrong type',
      'ScopeNarrowed',
      { measureId: 'm1', effectiveFrom: '2020-01-01T00:00:00.000Z', remove: 'exports' },
    ],
    [
      'an invalid category',
      'ScopeBroadened',
      { measureId: 'm1', categories: ['Not A Category'], effectiveFrom: '2020-01-01T00:00:00.000Z' },
    ],
    [
      'a number for an id list',
      'ExemptionAmended',
      { measureId: 'm1', exemptionId: 'tgl', effectiveFrom: '2020-01-01T00:00:00.000Z', addSubjects: [1] },
    ],
    ['a missing effectiveFrom', 'ExemptionRevoked', { measureId: 'm1', exemptionId: 'tgl' }],
    [
      'an end out of range',
      'ExemptionGranted',
      {
        measureId: 'm1',
        exemptionId: 'e2',
        title: 't',
        categories: ['exports'],
        effectiveFrom: '2020-01-01',
        effectiveUntil: '99999-01-01',
      },
    ],
    ['data that is not an object', 'EasingAnnounced', 'just text'],
    ['an unknown event type', 'SomethingHappened', { measureId: 'm1' }],
  ];

  let position = 1000;
  const raw = (type: string, data: unknown, revision: number): UncheckedFact => ({
    eventId: randomUUID(),
    type,
    data,
    revision,
    position: BigInt(++position),
    recordedAt: new Date(Date.UTC(2031, 0, 1) + position * 1000).toISOString(),
  });

  /** A measure with an imposition and a grant, then the unreadable event. */
  function withUnreadable(type: string, data: unknown) {
    const spec = new MeasureSpec().given(impose(), grant());
    const bad = raw(type, data, spec.state.revision + 1);
    spec.state = evolve(spec.state, bad);
    return { spec, bad };
  }

  describe.each(UNREADABLE)('a stored event with %s', (_what, type, data) => {
    it('is set aside by the decider, which still decides on the rest of the measure', () => {
      const { spec, bad } = withUnreadable(type, data);
      const history = resolveMeasure('m1', spec.state.recorded);
      expect(history.setAside.map((e) => e.eventId)).toEqual([bad.eventId]);
      expect(history.setAside[0]!.unreadable).toEqual(expect.any(String));
      expect(history.facts.map((f) => f.recorded.eventId)).not.toContain(bad.eventId);
      expect(history.inForceAt(toMillis('2025-01-01'))).toBe(true);
      spec.thenEvent(
        { type: 'AddSubjects', measureId: 'm1', subjects: ['late'], effectiveFrom: '2020-01-01T00:00:00.000Z' },
        'SubjectsAdded',
      );
      spec.thenRejected(
        { type: 'CorrectEntry', measureId: 'm1', eventId: bad.eventId, reason: 'fix', replacement: impose() as never },
        'event-readable',
        'eventId',
      );
      spec.given({ type: 'RetractEntry', measureId: 'm1', eventId: bad.eventId, reason: 'unreadable' });
      expect(resolveMeasure('m1', spec.state.recorded).setAside).toEqual([]);
    });

    it('is kept out of the read model, named for its measure until retracted', () => {
      const { spec, bad } = withUnreadable(type, data);
      const model = emptyModel();
      const log = (fact: UncheckedFact) => ({
        ...fact,
        streamId: 'measure-m1',
        revision: BigInt(fact.revision),
        position: BigInt(fact.position),
        data: fact.data,
      });
      // The log delivers what was stored, not the decider's reading of it.
      for (const fact of spec.state.recorded) foldIntoModel(model, log(fact.eventId === bad.eventId ? bad : fact));
      const history = measureAsOf(model, 'm1', model.position)!;
      expect(history.recorded.map((f) => f.eventId)).not.toContain(bad.eventId);
      expect(history.subjectsAt(toMillis('2025-01-01')).has('acme')).toBe(true);
      expect(setAsideEvents(model, ['m1'], model.position)).toEqual([
        expect.objectContaining({ eventId: bad.eventId, measureId: 'm1', type }),
      ]);
      expect(
        withSetAsideNotice<{ asOfPosition: bigint; notice?: string }>(
          model,
          { asOfPosition: model.position },
          { subjectId: 'acme' },
        ).notice,
      ).toContain(bad.eventId);
      expect(setAsideEvents(model, ['m1'], BigInt(bad.position) - 1n)).toEqual([]);

      const retraction = raw(
        'EntryRetracted',
        { measureId: 'm1', eventId: bad.eventId, reason: 'unreadable' },
        bad.revision + 1,
      );
      foldIntoModel(model, log(retraction));
      expect(setAsideEvents(model, ['m1'], model.position)).toEqual([]);
      expect(
        withSetAsideNotice<{ asOfPosition: bigint; notice?: string }>(
          model,
          { asOfPosition: model.position },
          { subjectId: 'acme' },
        ).notice,
      ).toBeUndefined();
    });
  });

  describe('reading stored payloads', () => {
    it('reads null, which older versions stored for a left-out field, as absent', () => {
      expect(
        unreadableBecause('RestrictionImposed', {
          ...impose(),
          type: undefined,
          effectiveUntil: null,
          announcedAt: null,
          citation: null,
        }),
      ).toBeUndefined();
      const spec = new MeasureSpec();
      const { type: _type, ...payload } = impose();
      spec.state = evolve(spec.state, raw('RestrictionImposed', { ...payload, effectiveUntil: null }, 0));
      expect(resolveMeasure('m1', spec.state.recorded).inForceAt(toMillis('2030-01-01'))).toBe(true);
    });

    it('refuses null for a field an event needs', () => {
      expect(
        unreadableBecause('SubjectsAdded', {
          measureId: 'm1',
          subjects: null,
          effectiveFrom: '2020-01-01T00:00:00.000Z',
        }),
      ).toBe('subjects is missing');
    });

    it("reads a correction's replacement as its target's payload", () => {
      const correction = {
        measureId: 'm1',
        eventId: 'x',
        reason: 'r',
        replacement: { measureId: 'm1', effectiveFrom: '2020-01-01T00:00:00.000Z' },
      };
      expect(unreadableBecause('EntryCorrected', correction, 'RestrictionLifted')).toBeUndefined();
      expect(unreadableBecause('EntryCorrected', correction, 'SubjectsAdded')).toBe('replacement.subjects is missing');
      expect(
        unreadableBecause(
          'EntryCorrected',
          { ...correction, replacement: { ...correction.replacement, effectiveFrom: '0000-00-00' } },
          'RestrictionLifted',
        ),
      ).toContain('replacement.effectiveFrom is not an instant');
    });

    it('sets aside a correction that cannot be read, leaving its target as recorded', () => {
      const spec = new MeasureSpec().given(impose(), {
        type: 'AddSubjects',
        measureId: 'm1',
        subjects: ['late'],
        effectiveFrom: '2020-01-01T00:00:00.000Z',
      });
      const target = spec.eventId(1);
      spec.state = evolve(
        spec.state,
        raw(
          'EntryCorrected',
          {
            measureId: 'm1',
            eventId: target,
            reason: 'r',
            replacement: { measureId: 'm1', subjects: 'late', effectiveFrom: '2020-02-01' },
          },
          2,
        ),
      );
      const history = resolveMeasure('m1', spec.state.recorded);
      expect(history.setAside.map((e) => e.type)).toEqual(['EntryCorrected']);
      expect(history.subjectFactAt('late', toMillis('2020-01-15'))?.recorded.eventId).toBe(target);
    });
  });
});
