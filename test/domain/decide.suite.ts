import { describe, expect, it } from '@jest/globals';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { announce, grant, impose, MeasureSpec } from '../support/decider-spec.js';

describe('domain/decide', () => {
  const on = (date: string) => `${date}T00:00:00.000Z`;

  describe('decide: ImposeRestriction', () => {
    it('records RestrictionImposed on a new measure', () => {
      new MeasureSpec().thenEvent(impose({ citation: '84 FR 22961' }), 'RestrictionImposed');
    });

    it('rejects a measureId already in use, even one retracted', () => {
      new MeasureSpec().given(impose()).thenRejected(impose(), 'measure-new', 'measureId');
      const spec = new MeasureSpec().given(impose());
      spec.given({ type: 'RetractEntry', measureId: 'm1', eventId: spec.eventId(0), reason: 'recorded by mistake' });
      spec.thenRejected(impose(), 'measure-new');
    });

    it('rejects empty subjects or categories', () => {
      new MeasureSpec().thenRejected(impose({ subjects: [] }), 'subjects-not-empty', 'subjects');
      new MeasureSpec().thenRejected(impose({ categories: [] }), 'categories-not-empty', 'categories');
    });

    it('rejects an effectiveUntil not after effectiveFrom', () => {
      new MeasureSpec().thenRejected(
        impose({ effectiveFrom: on('2019-06-01'), effectiveUntil: on('2019-06-01') }),
        'until-after-from',
        'effectiveUntil',
      );
      new MeasureSpec().thenEvent(
        impose({ effectiveFrom: on('2019-06-01'), effectiveUntil: on('2019-06-02') }),
        'RestrictionImposed',
      );
    });
  });

  describe('decide: every other command needs the measure to exist', () => {
    const commands = [
      { type: 'AddSubjects', measureId: 'm1', subjects: ['x'], effectiveFrom: on('2019-08-19') },
      { type: 'RemoveSubjects', measureId: 'm1', subjects: ['acme'], effectiveFrom: on('2019-08-19') },
      { type: 'BroadenScope', measureId: 'm1', categories: ['services'], effectiveFrom: on('2019-08-19') },
      { type: 'NarrowScope', measureId: 'm1', remove: ['exports/food'], effectiveFrom: on('2019-08-19') },
      announce(),
      { type: 'WithdrawAnnouncement', measureId: 'm1', announcementId: 'a1', withdrawnAt: on('2019-07-01') },
      grant(),
      {
        type: 'AmendExemption',
        measureId: 'm1',
        exemptionId: 'tgl',
        effectiveFrom: on('2019-08-19'),
        effectiveUntil: on('2019-11-19'),
      },
      { type: 'RevokeExemption', measureId: 'm1', exemptionId: 'tgl', effectiveFrom: on('2019-08-19') },
      { type: 'LiftRestriction', measureId: 'm1', effectiveFrom: on('2020-01-01') },
    ] as const;

    it.each(commands.map((c) => [c.type, c] as const))('%s on an unknown measure is rejected', (_type, command) => {
      new MeasureSpec().thenRejected(command as LedgerCommand, 'measure-exists', 'measureId');
    });

    it.each([
      [
        'RetractEntry',
        { type: 'RetractEntry', measureId: 'm1', eventId: '00000000-0000-4000-8000-000000000000', reason: 'typo' },
      ],
      [
        'CorrectEntry',
        {
          type: 'CorrectEntry',
          measureId: 'm1',
          eventId: '00000000-0000-4000-8000-000000000000',
          reason: 'typo',
          replacement: impose(),
        },
      ],
    ] as const)('%s on an unknown measure is rejected', (_type, command) => {
      new MeasureSpec().thenRejected(command as never, 'measure-exists');
    });

    it('a retracted measure accepts nothing but the retraction of its retraction', () => {
      const spec = new MeasureSpec().given(impose());
      spec.given({ type: 'RetractEntry', measureId: 'm1', eventId: spec.eventId(0), reason: 'recorded by mistake' });
      spec.thenRejected(
        { type: 'AddSubjects', measureId: 'm1', subjects: ['x'], effectiveFrom: on('2019-08-19') },
        'measure-exists',
      );
      spec.given({
        type: 'RetractEntry',
        measureId: 'm1',
        eventId: spec.eventId(1),
        reason: 'the retraction was the mistake',
      });
      spec.thenEvent(
        { type: 'AddSubjects', measureId: 'm1', subjects: ['x'], effectiveFrom: on('2019-08-19') },
        'SubjectsAdded',
      );
    });
  });

  describe('decide: subjects and scope', () => {
    it('adds and removes subjects', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenEvent(
        { type: 'AddSubjects', measureId: 'm1', subjects: ['acme-new'], effectiveFrom: on('2019-08-19') },
        'SubjectsAdded',
      );
      spec.thenEvent(
        { type: 'RemoveSubjects', measureId: 'm1', subjects: ['acme-sub'], effectiveFrom: on('2019-08-19') },
        'SubjectsRemoved',
      );
      spec.thenRejected(
        { type: 'AddSubjects', measureId: 'm1', subjects: [], effectiveFrom: on('2019-08-19') },
        'subjects-not-empty',
      );
    });

    it('broadens the scope', () => {
      new MeasureSpec()
        .given(impose())
        .thenEvent(
          { type: 'BroadenScope', measureId: 'm1', categories: ['services'], effectiveFrom: on('2019-08-19') },
          'ScopeBroadened',
        );
    });

    it('narrows with remove[] when it overlaps the scope', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenEvent(
        { type: 'NarrowScope', measureId: 'm1', remove: ['exports/food'], effectiveFrom: on('2019-08-19') },
        'ScopeNarrowed',
      );
      spec.thenRejected(
        { type: 'NarrowScope', measureId: 'm1', remove: ['services'], effectiveFrom: on('2019-08-19') },
        'remove-overlaps-scope',
        'remove',
      );
    });

    it('narrows with narrowTo[] only inside the scope in force at its effectiveFrom', () => {
      const spec = new MeasureSpec().given(impose(), {
        type: 'BroadenScope',
        measureId: 'm1',
        categories: ['services'],
        effectiveFrom: on('2019-09-01'),
      });
      spec.thenEvent(
        { type: 'NarrowScope', measureId: 'm1', narrowTo: ['exports/chokepoint'], effectiveFrom: on('2019-08-19') },
        'ScopeNarrowed',
      );
      spec.thenRejected(
        { type: 'NarrowScope', measureId: 'm1', narrowTo: ['services/cloud'], effectiveFrom: on('2019-08-19') },
        'narrow-to-inside-scope',
        'narrowTo',
      );
      spec.thenEvent(
        { type: 'NarrowScope', measureId: 'm1', narrowTo: ['services/cloud'], effectiveFrom: on('2019-09-02') },
        'ScopeNarrowed',
      );
    });

    it('judges the scope at the narrowing effectiveFrom, with earlier narrowings applied', () => {
      const spec = new MeasureSpec().given(impose(), {
        type: 'NarrowScope',
        measureId: 'm1',
        remove: ['exports/food'],
        effectiveFrom: on('2019-08-01'),
      });
      spec.thenRejected(
        { type: 'NarrowScope', measureId: 'm1', narrowTo: ['exports/food/grain'], effectiveFrom: on('2019-08-19') },
        'narrow-to-inside-scope',
      );
      spec.thenEvent(
        { type: 'NarrowScope', measureId: 'm1', narrowTo: ['exports/food/grain'], effectiveFrom: on('2019-07-01') },
        'ScopeNarrowed',
      );
    });

    it('rejects a narrowing that leaves nothing, or names neither remove nor narrowTo', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(
        { type: 'NarrowScope', measureId: 'm1', remove: ['exports'], effectiveFrom: on('2019-08-19') },
        'scope-not-empty',
      );
      spec.thenRejected(
        {
          type: 'NarrowScope',
          measureId: 'm1',
          narrowTo: ['exports/a'],
          remove: ['exports/a'],
          effectiveFrom: on('2019-08-19'),
        },
        'scope-not-empty',
      );
      spec.thenRejected({ type: 'NarrowScope', measureId: 'm1', effectiveFrom: on('2019-08-19') }, 'narrowing-given');
    });
  });

  describe('decide: announcements', () => {
    it('announces once per id', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenEvent(announce(), 'EasingAnnounced');
      spec.given(announce());
      spec.thenRejected(announce(), 'announcement-new', 'announcementId');
    });

    it('withdraws only a pending announcement', () => {
      const withdraw = {
        type: 'WithdrawAnnouncement',
        measureId: 'm1',
        announcementId: 'a1',
        withdrawnAt: on('2019-07-10'),
      } as const;
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(withdraw, 'announcement-pending', 'announcementId');
      spec.given(announce());
      spec.thenEvent(withdraw, 'AnnouncementWithdrawn');
      spec.given(withdraw);
      spec.thenRejected(withdraw, 'announcement-pending');
    });

    it('withdraws an announcement no earlier than it was announced', () => {
      // announce() is dated 2019-06-29: a withdrawal the day before would leave it pending at no instant.
      const spec = new MeasureSpec().given(impose(), announce());
      const withdraw = (withdrawnAt: string) =>
        ({ type: 'WithdrawAnnouncement', measureId: 'm1', announcementId: 'a1', withdrawnAt }) as const;
      spec.thenRejected(withdraw(on('2019-06-28')), 'withdrawn-after-announced', 'withdrawnAt');
      spec.thenRejected(withdraw('2019-06-28T23:59:59.999Z'), 'withdrawn-after-announced', 'withdrawnAt');
      spec.thenEvent(withdraw(on('2019-06-29')), 'AnnouncementWithdrawn');
    });

    it('a legal command may enact a pending announcement, once', () => {
      const narrow: LedgerCommand = {
        type: 'NarrowScope',
        measureId: 'm1',
        remove: ['exports/consumer'],
        effectiveFrom: on('2019-07-15'),
        enacts: 'a1',
      };
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(narrow, 'announcement-pending', 'enacts');
      spec.given(announce());
      spec.thenEvent(narrow, 'ScopeNarrowed');
      spec.given(narrow);
      spec.thenRejected({ ...narrow, remove: ['exports/toys'] }, 'announcement-pending', 'enacts');
      spec.thenRejected(
        { type: 'WithdrawAnnouncement', measureId: 'm1', announcementId: 'a1', withdrawnAt: on('2019-07-20') },
        'announcement-pending',
      );
    });

    it('a retracted enactment leaves the announcement pending again', () => {
      const spec = new MeasureSpec().given(impose(), announce(), {
        type: 'LiftRestriction',
        measureId: 'm1',
        effectiveFrom: on('2019-09-01'),
        enacts: 'a1',
      });
      spec.given({ type: 'RetractEntry', measureId: 'm1', eventId: spec.eventId(-1), reason: 'not enacted yet' });
      spec.thenEvent(
        { type: 'WithdrawAnnouncement', measureId: 'm1', announcementId: 'a1', withdrawnAt: on('2019-09-02') },
        'AnnouncementWithdrawn',
      );
    });
  });

  describe('decide: exemptions', () => {
    it('grants an exemption overlapping the scope, once per id', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenEvent(grant(), 'ExemptionGranted');
      spec.given(grant());
      spec.thenRejected(grant(), 'exemption-new', 'exemptionId');
    });

    it('rejects categories outside the scope in force at effectiveFrom', () => {
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(grant({ categories: ['services'] }), 'exemption-overlaps-scope', 'categories');
      spec.given({
        type: 'NarrowScope',
        measureId: 'm1',
        remove: ['exports/maintenance'],
        effectiveFrom: on('2019-05-18'),
      });
      spec.thenRejected(grant(), 'exemption-overlaps-scope');
      spec.thenEvent(grant({ effectiveFrom: on('2019-05-17') }), 'ExemptionGranted');
    });

    it('rejects subjects that are not subjects of the measure at effectiveFrom', () => {
      const spec = new MeasureSpec().given(impose(), {
        type: 'AddSubjects',
        measureId: 'm1',
        subjects: ['acme-late'],
        effectiveFrom: on('2019-08-19'),
      });
      spec.thenRejected(grant({ subjects: ['acme-late'] }), 'subjects-of-measure', 'subjects');
      spec.thenEvent(
        grant({ subjects: ['acme-late'], effectiveFrom: on('2019-08-19'), effectiveUntil: on('2019-09-19') }),
        'ExemptionGranted',
      );
    });

    it('rejects a window that ends before it starts', () => {
      new MeasureSpec()
        .given(impose())
        .thenRejected(grant({ effectiveUntil: on('2019-05-01') }), 'until-after-from', 'effectiveUntil');
    });

    it('amends an existing, unrevoked exemption, keeping its end after its start', () => {
      const amend = {
        type: 'AmendExemption',
        measureId: 'm1',
        exemptionId: 'tgl',
        effectiveFrom: on('2019-08-19'),
        effectiveUntil: on('2019-11-19'),
      } as const;
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(amend, 'exemption-exists', 'exemptionId');
      spec.given(grant());
      spec.thenEvent(amend, 'ExemptionAmended');
      spec.thenRejected({ ...amend, effectiveUntil: on('2019-05-20') }, 'until-after-from', 'effectiveUntil');
      spec.thenRejected(
        { ...amend, effectiveUntil: undefined, addSubjects: ['stranger'] },
        'subjects-of-measure',
        'addSubjects',
      );
      spec.given({ type: 'RevokeExemption', measureId: 'm1', exemptionId: 'tgl', effectiveFrom: on('2019-07-01') });
      spec.thenRejected(amend, 'exemption-not-revoked', 'exemptionId');
    });

    it('revokes an exemption once', () => {
      const revoke = {
        type: 'RevokeExemption',
        measureId: 'm1',
        exemptionId: 'tgl',
        effectiveFrom: on('2019-07-01'),
      } as const;
      const spec = new MeasureSpec().given(impose());
      spec.thenRejected(revoke, 'exemption-exists');
      spec.given(grant());
      spec.thenEvent(revoke, 'ExemptionRevoked');
      spec.given(revoke);
      spec.thenRejected(revoke, 'exemption-not-revoked');
    });
  });

  describe('decide: lifting', () => {
    it('lifts a measure once', () => {
      const lift = { type: 'LiftRestriction', measureId: 'm1', effectiveFrom: on('2020-01-01') } as const;
      const spec = new MeasureSpec().given(impose());
      spec.thenEvent(lift, 'RestrictionLifted');
      spec.given(lift);
      spec.thenRejected(lift, 'not-lifted', 'measureId');
    });
  });

  describe('decide: retraction and correction', () => {
    it('retracts an event of the measure that is not already retracted', () => {
      const spec = new MeasureSpec().given(impose(), grant());
      const retract = {
        type: 'RetractEntry',
        measureId: 'm1',
        eventId: spec.eventId(1),
        reason: 'wrong licence',
      } as const;
      spec.thenEvent(retract, 'EntryRetracted');
      spec.given(retract);
      spec.thenRejected(retract, 'event-not-retracted', 'eventId');
      spec.thenRejected({ ...retract, eventId: '00000000-0000-4000-8000-000000000000' }, 'event-in-measure', 'eventId');
      // With its grant retracted, the exemption id is free again.
      spec.thenEvent(grant(), 'ExemptionGranted');
    });

    it('corrects an event with a whole replacement that passes the original checks', () => {
      const spec = new MeasureSpec().given(impose(), grant());
      const { type: _type, ...payload } = grant({ effectiveUntil: on('2019-08-21') });
      spec.thenEvent(
        {
          type: 'CorrectEntry',
          measureId: 'm1',
          eventId: spec.eventId(1),
          reason: 'through 20 August',
          replacement: payload as never,
        },
        'EntryCorrected',
      );
      const { type: _t, ...outside } = grant({ categories: ['services'] });
      spec.thenRejected(
        { type: 'CorrectEntry', measureId: 'm1', eventId: spec.eventId(1), reason: 'x', replacement: outside as never },
        'exemption-overlaps-scope',
        'replacement.categories',
      );
      const { type: _u, ...elsewhere } = grant({ measureId: 'm2' });
      spec.thenRejected(
        {
          type: 'CorrectEntry',
          measureId: 'm1',
          eventId: spec.eventId(1),
          reason: 'x',
          replacement: elsewhere as never,
        },
        'same-measure',
      );
    });

    it('corrects the imposition itself', () => {
      const spec = new MeasureSpec().given(impose(), grant());
      const { type: _type, ...payload } = impose({ effectiveFrom: on('2019-05-21') });
      spec.thenEvent(
        {
          type: 'CorrectEntry',
          measureId: 'm1',
          eventId: spec.eventId(0),
          reason: 'effective date',
          replacement: payload as never,
        },
        'EntryCorrected',
      );
    });

    it('does not correct a retraction or a correction, nor a retracted event', () => {
      const spec = new MeasureSpec().given(impose(), grant());
      spec.given({ type: 'RetractEntry', measureId: 'm1', eventId: spec.eventId(1), reason: 'x' });
      const { type: _type, ...payload } = grant();
      spec.thenRejected(
        { type: 'CorrectEntry', measureId: 'm1', eventId: spec.eventId(2), reason: 'y', replacement: payload as never },
        'correctable',
        'eventId',
      );
      spec.thenRejected(
        { type: 'CorrectEntry', measureId: 'm1', eventId: spec.eventId(1), reason: 'y', replacement: payload as never },
        'event-not-retracted',
      );
    });

    it('retracting a correction restores what it replaced', () => {
      const spec = new MeasureSpec().given(impose(), grant());
      const { type: _type, ...wider } = grant({ categories: ['exports/maintenance', 'exports/research'] });
      spec.given({
        type: 'CorrectEntry',
        measureId: 'm1',
        eventId: spec.eventId(1),
        reason: 'x',
        replacement: wider as never,
      });
      spec.thenEvent(
        { type: 'RetractEntry', measureId: 'm1', eventId: spec.eventId(2), reason: 'correction was wrong' },
        'EntryRetracted',
      );
    });
  });

  describe('decide: evolve', () => {
    it('tracks the stream revision', () => {
      const spec = new MeasureSpec();
      expect(spec.state.revision).toBe(-1);
      spec.given(impose(), grant());
      expect(spec.state.revision).toBe(1);
      expect(spec.state.recorded.map((e) => e.type)).toEqual(['RestrictionImposed', 'ExemptionGranted']);
    });
  });
});
