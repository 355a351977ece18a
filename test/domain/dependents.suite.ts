/**
 * What rests on a fact that a correction, an undone retraction or an amendment
 * changes: the amendments and revocations of a grant, the withdrawals and
 * enactments of an announcement, an amendment's end after its grant's start,
 * and an exemption covering some category at each step. Each refused case is a
 * measure no command could have recorded (an exemption that ends before it
 * begins, one covering nothing, a revocation of nothing); each accepted case
 * is one where nothing resting on the change breaks a rule.
 */
import { describe, expect, it } from '@jest/globals';
import { historyOf } from '../../src/domain/decide.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { toMillis } from '../../src/domain/time.js';
import { announce, correct, grant, impose, MeasureSpec, on, retract } from '../support/decider-spec.js';

type Amendment = Omit<Extract<LedgerCommand, { type: 'AmendExemption' }>, 'type' | 'measureId' | 'exemptionId'>;
const amend = (over: Partial<Amendment>, exemptionId = 'g'): LedgerCommand => ({
  type: 'AmendExemption',
  measureId: 'm1',
  exemptionId,
  effectiveFrom: on('2020-02-01'),
  ...over,
});

/** The grant of the brief's example: exemption g over exports/a from 2020-01-01, open-ended. */
const grantG = (over: Parameters<typeof grant>[0] = {}) =>
  grant({
    exemptionId: 'g',
    title: 'g',
    categories: ['exports/a'],
    effectiveFrom: on('2020-01-01'),
    effectiveUntil: undefined,
    ...over,
  });

function measure(...steps: (LedgerCommand | ((ids: string[]) => LedgerCommand))[]): MeasureSpec {
  const spec = new MeasureSpec();
  for (const step of [impose({ effectiveFrom: on('2020-01-01') }), ...steps])
    spec.given(typeof step === 'function' ? step(spec.state.recorded.map((e) => e.eventId)) : step);
  return spec;
}

describe('domain/dependents', () => {
  describe("an amendment's end stays after its grant's start", () => {
    it('refuses a correction moving the grant past an end an amendment set, and names the amendment', () => {
      // 0 imposition, 1 grant from 2020-01-01, 2 ends it on 2020-03-01.
      const spec = measure(grantG(), amend({ effectiveUntil: on('2020-03-01') }));
      const moved = correct(spec.eventId(1), grantG({ effectiveFrom: on('2020-04-01') }));
      spec.thenRejected(moved, 'until-after-from', 'replacement.effectiveFrom');
      const { rejection } = spec.when(moved);
      expect(rejection!.value).toBe(on('2020-04-01'));
      expect(rejection!.message).toContain(`event ${spec.eventId(2)} (ExemptionAmended)`);
      // A start still before the end is taken.
      spec.thenEvent(correct(spec.eventId(1), grantG({ effectiveFrom: on('2020-02-15') })), 'EntryCorrected');
    });

    it('refuses to undo a correction that had moved the grant earlier, once an amendment ends it before the old start', () => {
      // 1 grants from 2020-04-01, 2 corrects it to 2020-01-01, 3 ends it on 2020-03-01.
      const spec = measure(
        grantG({ effectiveFrom: on('2020-04-01') }),
        (ids) => correct(ids[1]!, grantG()),
        amend({ effectiveUntil: on('2020-03-01') }),
      );
      spec.thenRejected(retract(spec.eventId(2)), 'until-after-from', 'eventId');
      expect(spec.when(retract(spec.eventId(2))).rejection!.message).toContain(
        `retracting event ${spec.eventId(2)} would make event ${spec.eventId(1)} (ExemptionGranted) stand as first recorded`,
      );
    });

    it('refuses to restore an amendment ending the grant before the start it has been corrected to', () => {
      // 2 ends the grant on 2020-03-01, 3 retracts 2, 4 moves the grant to 2020-04-01.
      const spec = measure(
        grantG(),
        amend({ effectiveUntil: on('2020-03-01') }),
        (ids) => retract(ids[2]!),
        (ids) => correct(ids[1]!, grantG({ effectiveFrom: on('2020-04-01') })),
      );
      spec.thenRejected(retract(spec.eventId(3)), 'until-after-from', 'eventId');
    });

    it('reads an end already before the start, recorded before the rule, and lets other corrections through', () => {
      const spec = measure(grantG()).givenUnchecked(amend({ effectiveUntil: on('2019-12-01') }));
      spec.thenEvent(correct(spec.eventId(1), grantG({ title: 'g, renamed' })), 'EntryCorrected');
    });
  });

  describe('an exemption covers some category', () => {
    it('refuses an amendment removing every category, and says to revoke instead', () => {
      const spec = measure(grantG());
      spec.thenRejected(amend({ removeCategories: ['exports/a'] }), 'exemption-covers-something', 'removeCategories');
      expect(spec.when(amend({ removeCategories: ['exports/a'] })).rejection!.message).toContain('revoke it instead');
      // A broader category takes out everything below it too.
      spec.thenRejected(amend({ removeCategories: ['exports'] }), 'exemption-covers-something', 'removeCategories');
      // Some of it, or all of it replaced, is an amendment.
      spec.thenEvent(amend({ removeCategories: ['exports/a/b'] }), 'ExemptionAmended');
      spec.thenEvent(amend({ removeCategories: ['exports/a'], addCategories: ['exports/c'] }), 'ExemptionAmended');
    });

    it('refuses an amendment that empties the exemption only together with a later one recorded before it', () => {
      // 1 grants exports/a and exports/b, 2 removes exports/b from 2020-05-01.
      const spec = measure(
        grantG({ categories: ['exports/a', 'exports/b'] }),
        amend({ effectiveFrom: on('2020-05-01'), removeCategories: ['exports/b'] }),
      );
      const early = amend({ effectiveFrom: on('2020-02-01'), removeCategories: ['exports/a'] });
      spec.thenRejected(early, 'exemption-covers-something', 'removeCategories');
      expect(spec.when(early).rejection!.message).toContain(`from ${on('2020-05-01')}`);
    });

    it('refuses an amendment changing only the end of an exemption that already covers nothing', () => {
      const spec = measure(grantG()).givenUnchecked(amend({ removeCategories: ['exports/a'] }));
      spec.thenRejected(amend({ effectiveUntil: on('2020-09-01') }), 'exemption-covers-something', 'exemptionId');
      spec.thenEvent(amend({ effectiveFrom: on('2020-03-01'), addCategories: ['exports/c'] }), 'ExemptionAmended');
    });

    it('refuses a correction of the grant to the categories an amendment removes', () => {
      const spec = measure(
        grantG({ categories: ['exports/a', 'exports/b'] }),
        amend({ removeCategories: ['exports/b'] }),
      );
      spec.thenRejected(
        correct(spec.eventId(1), grantG({ categories: ['exports/b'] })),
        'exemption-covers-something',
        'replacement.categories',
      );
      spec.thenEvent(correct(spec.eventId(1), grantG({ categories: ['exports/a', 'exports/c'] })), 'EntryCorrected');
    });

    it('refuses a correction of an amendment whose addition a later removal needed', () => {
      // 1 grants g, 2 grants h, 3 adds exports/c to g from 2020-02-01, 4 removes exports/a from 2020-03-01.
      const spec = measure(
        grantG(),
        grantG({ exemptionId: 'h' }),
        amend({ addCategories: ['exports/c'] }),
        amend({ effectiveFrom: on('2020-03-01'), removeCategories: ['exports/a'] }),
      );
      spec.thenRejected(
        correct(spec.eventId(3), amend({ addCategories: ['exports/a/x'] })),
        'exemption-covers-something',
        'replacement.addCategories',
      );
      // Moved to another exemption, it leaves g with nothing from 2020-03-01 too.
      spec.thenRejected(
        correct(spec.eventId(3), amend({ addCategories: ['exports/c'] }, 'h')),
        'exemption-covers-something',
        'replacement.exemptionId',
      );
    });

    it('refuses to undo a correction or a retraction that would bring back a removal of the last category', () => {
      // 2, stored before the rule, removes exports/a; 3 corrects it to remove exports/a/x only.
      const corrected = measure(grantG()).givenUnchecked(amend({ removeCategories: ['exports/a'] }));
      corrected.given(correct(corrected.eventId(2), amend({ removeCategories: ['exports/a/x'] })));
      corrected.thenRejected(retract(corrected.eventId(3)), 'exemption-covers-something', 'eventId');
      // 3 retracts 2 instead: retracting that retraction would bring the emptying amendment back.
      const retracted = measure(grantG()).givenUnchecked(amend({ removeCategories: ['exports/a'] }));
      retracted.given(retract(retracted.eventId(2)));
      retracted.thenRejected(retract(retracted.eventId(3)), 'exemption-covers-something', 'eventId');
    });

    it('takes an amendment out even where that leaves a later one emptying the exemption', () => {
      const spec = measure(
        grantG(),
        amend({ addCategories: ['exports/c'] }),
        amend({ effectiveFrom: on('2020-03-01'), removeCategories: ['exports/a'] }),
      );
      spec.thenEvent(retract(spec.eventId(2)), 'EntryRetracted');
    });

    it('reads an exemption that a stored amendment left covering nothing', () => {
      const spec = measure(grantG()).givenUnchecked(amend({ removeCategories: ['exports/a'] }));
      const [exemption] = historyOf(spec.state).exemptionsAt(toMillis(on('2020-06-01')));
      expect(exemption!.categories.isEmpty()).toBe(true);
      // Nothing resting on the grant changes: the correction is taken, and so are other commands.
      spec.thenEvent(correct(spec.eventId(1), grantG({ title: 'g, renamed' })), 'EntryCorrected');
      spec.thenEvent(grantG({ exemptionId: 'h' }), 'ExemptionGranted');
    });
  });

  describe('what acts on a grant or announcement keeps acting on it', () => {
    it('refuses to give a revoked or amended grant another id, which would leave the change acting on nothing', () => {
      for (const change of [
        { type: 'RevokeExemption', measureId: 'm1', exemptionId: 'g', effectiveFrom: on('2020-03-01') } as const,
        amend({ effectiveUntil: on('2020-09-01') }),
      ]) {
        const spec = measure(grantG(), change);
        spec.thenRejected(
          correct(spec.eventId(1), grantG({ exemptionId: 'h' })),
          'exemption-exists',
          'replacement.exemptionId',
        );
        expect(spec.when(correct(spec.eventId(1), grantG({ exemptionId: 'h' }))).rejection!.message).toContain(
          `retract event ${spec.eventId(2)} first`,
        );
        // Once the change is taken out, the grant takes its new id.
        spec.given(retract(spec.eventId(2)));
        spec.thenEvent(correct(spec.eventId(1), grantG({ exemptionId: 'h' })), 'EntryCorrected');
      }
    });

    it('refuses to give a withdrawn or enacted announcement another id', () => {
      const withdrawn = measure(announce('a1'), {
        type: 'WithdrawAnnouncement',
        measureId: 'm1',
        announcementId: 'a1',
        withdrawnAt: on('2020-03-01'),
      });
      withdrawn.thenRejected(
        correct(withdrawn.eventId(1), announce('a2')),
        'announcement-pending',
        'replacement.announcementId',
      );
      const enacted = measure(announce('a1'), grantG({ enacts: 'a1' }));
      enacted.thenRejected(
        correct(enacted.eventId(1), announce('a2')),
        'announcement-pending',
        'replacement.announcementId',
      );
      enacted.thenEvent(correct(enacted.eventId(1), announce('a1', on('2020-01-15'))), 'EntryCorrected');
    });

    it('refuses to undo a correction giving a grant the id its later revocation names', () => {
      // 1 grants g, 2 corrects it to h, 3 revokes h: undoing 2 gives the grant back g, and 3 would revoke nothing.
      const spec = measure(grantG(), (ids) => correct(ids[1]!, grantG({ exemptionId: 'h' })), {
        type: 'RevokeExemption',
        measureId: 'm1',
        exemptionId: 'h',
        effectiveFrom: on('2020-03-01'),
      });
      spec.thenRejected(retract(spec.eventId(2)), 'exemption-exists', 'eventId');
    });
  });

  it('a correction of the imposition is held to nothing the commands do not order: a grant may start before it', () => {
    const spec = measure(grantG(), amend({ effectiveUntil: on('2020-03-01') }));
    spec.thenEvent(correct(spec.eventId(0), impose({ effectiveFrom: on('2020-06-01') })), 'EntryCorrected');
  });
  describe('a withdrawal stays no earlier than its announcement', () => {
    const withdraw = (withdrawnAt: string): LedgerCommand => ({
      type: 'WithdrawAnnouncement',
      measureId: 'm1',
      announcementId: 'a1',
      withdrawnAt,
    });

    it('refuses a correction moving the announcement past its withdrawal, and one moving the withdrawal before it', () => {
      // 0 imposition, 1 announcement on 2020-03-01, 2 withdrawal on 2020-04-01.
      const spec = measure(announce('a1', on('2020-03-01')), withdraw(on('2020-04-01')));
      spec.thenRejected(
        correct(spec.eventId(1), announce('a1', on('2020-05-01'))),
        'withdrawn-after-announced',
        'replacement.announcedAt',
      );
      spec.thenRejected(
        correct(spec.eventId(2), withdraw(on('2020-02-01'))),
        'withdrawn-after-announced',
        'replacement.withdrawnAt',
      );
      // Moved, each still leaves the withdrawal no earlier than the announcement: taken.
      spec.thenEvent(correct(spec.eventId(1), announce('a1', on('2020-04-01'))), 'EntryCorrected');
      spec.thenEvent(correct(spec.eventId(2), withdraw(on('2020-03-01'))), 'EntryCorrected');
    });
  });
});
