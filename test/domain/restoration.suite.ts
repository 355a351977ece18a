/**
 * What a retraction or a correction brings back to stand: an event restored
 * by retracting its retraction (at any depth of a chain), or given another
 * payload by a correction or by retracting one. Each case is a way a measure
 * could come to hold what no command could have recorded (two grants of one
 * exemption, an announcement closed twice, an amendment of nothing), and so
 * be answered by rules the contract never defined: the command is refused
 * instead, naming the fact in the way. And the cases where nothing is in the
 * way, which must be accepted.
 */
import { describe, expect, it } from '@jest/globals';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { announce, correct, grant, impose, MeasureSpec, on, retract } from '../support/decider-spec.js';

const amend = (exemptionId = 'tgl'): LedgerCommand => ({
  type: 'AmendExemption',
  measureId: 'm1',
  exemptionId,
  effectiveFrom: on('2019-08-01'),
  effectiveUntil: on('2019-11-20'),
});
const revoke = (exemptionId = 'tgl'): LedgerCommand => ({
  type: 'RevokeExemption',
  measureId: 'm1',
  exemptionId,
  effectiveFrom: on('2019-07-01'),
});
const withdraw = (announcementId = 'a1'): LedgerCommand => ({
  type: 'WithdrawAnnouncement',
  measureId: 'm1',
  announcementId,
  withdrawnAt: on('2019-07-01'),
});
const lift = (effectiveFrom = on('2020-01-01')): LedgerCommand => ({
  type: 'LiftRestriction',
  measureId: 'm1',
  effectiveFrom,
});

/** Records commands in turn; each may name the ids of the events recorded before it. */
function measure(...steps: (LedgerCommand | ((ids: string[]) => LedgerCommand))[]): MeasureSpec {
  const spec = new MeasureSpec();
  for (const step of steps) {
    spec.given(typeof step === 'function' ? step(spec.state.recorded.map((e) => e.eventId)) : step);
  }
  return spec;
}

/** Retracting the n-th event: rejected under `rule`, on `eventId`, naming the event in the way (recorded n-th). */
function expectRetractionRefused(spec: MeasureSpec, n: number, rule: string, inTheWay?: number): void {
  spec.thenRejected(retract(spec.eventId(n)), rule, 'eventId');
  const { rejection } = spec.when(retract(spec.eventId(n)));
  expect(rejection!.value).toBe(spec.eventId(n));
  if (inTheWay !== undefined)
    expect(rejection!.message).toContain(`retract or correct event ${spec.eventId(inTheWay)}`);
}

describe('domain/restoration', () => {
  describe('chains of retractions', () => {
    // 0 imposition, 1 grant, 2 retracts 1, 3 retracts 2 (1 restored), 4 retracts 3 (1 retracted again), 5 grants tgl anew.
    const chain = () =>
      measure(
        impose(),
        grant(),
        (ids) => retract(ids[1]!),
        (ids) => retract(ids[2]!),
        (ids) => retract(ids[3]!),
      );

    it('refuses to undo the last link when that restores a grant whose exemption id is granted again', () => {
      const spec = chain().given(grant({ effectiveFrom: on('2019-06-01') }));
      expectRetractionRefused(spec, 4, 'exemption-new', 5);
    });

    it('accepts undoing a link that takes the grant out again, and the last link when nothing took its id', () => {
      const spec = chain();
      spec.thenEvent(retract(spec.eventId(4)), 'EntryRetracted');
      spec.given(retract(spec.eventId(4)));
      // The grant stands again: the retraction of 3 now takes it out, and is accepted.
      spec.thenEvent(retract(spec.eventId(3)), 'EntryRetracted');
    });

    it('follows a chain five links deep to the announcement it restores', () => {
      const spec = measure(
        impose(),
        announce('a1'),
        (ids) => retract(ids[1]!),
        (ids) => retract(ids[2]!),
        (ids) => retract(ids[3]!),
        (ids) => retract(ids[4]!),
        (ids) => retract(ids[5]!),
        announce('a1', on('2019-07-01')),
      );
      // Retracting 6 restores 5, which retracts 4, which restores 3, which retracts 2: the announcement of 1 stands.
      // Retracting 4 or 2, the links still standing, restores it too.
      for (const link of [6, 4, 2]) expectRetractionRefused(spec, link, 'announcement-new', 7);
      // With the second announcement of a1 retracted, nothing is in the way.
      spec.given(retract(spec.eventId(7)));
      spec.thenEvent(retract(spec.eventId(6)), 'EntryRetracted');
    });
  });

  describe('corrections and their retractions', () => {
    it('refuses to retract a correction when the payload it replaced names an exemption id granted since', () => {
      const spec = measure(
        impose(),
        grant(),
        (ids) => correct(ids[1]!, grant({ exemptionId: 'tgl-2' })),
        grant({ effectiveFrom: on('2019-06-01') }),
      );
      expectRetractionRefused(spec, 2, 'exemption-new', 3);
    });

    it('follows a retracted correction back to the correction before it', () => {
      const spec = measure(
        impose(),
        grant(),
        (ids) => correct(ids[1]!, grant({ exemptionId: 'tgl-2' })),
        (ids) => correct(ids[1]!, grant({ exemptionId: 'tgl-3' })),
        grant({ exemptionId: 'tgl-2', effectiveFrom: on('2019-06-01') }),
      );
      // Without 3 the grant of 1 stands as corrected by 2, granting tgl-2, which 4 grants.
      expectRetractionRefused(spec, 3, 'exemption-new', 4);
      // Correcting it to tgl-2 anew is refused alike, by the rule GrantExemption keeps.
      spec.thenRejected(
        correct(spec.eventId(1), grant({ exemptionId: 'tgl-2' })),
        'exemption-new',
        'replacement.exemptionId',
      );
    });

    it('refuses to undo the retraction of a correction that would give an announcement id announced again', () => {
      const spec = measure(
        impose(),
        announce('a1'),
        (ids) => correct(ids[1]!, announce('a2')),
        (ids) => retract(ids[2]!),
        announce('a2', on('2019-07-01')),
      );
      expectRetractionRefused(spec, 3, 'announcement-new', 4);
    });

    it('judges a restored grant by the payload it stands with, corrected, not as first recorded', () => {
      // The grant of 1 stands as tgl-2 (corrected by 2); taken out by 3, and tgl granted again by 4.
      const corrected = () =>
        measure(
          impose(),
          grant(),
          (ids) => correct(ids[1]!, grant({ exemptionId: 'tgl-2' })),
          (ids) => retract(ids[1]!),
        );
      // tgl granted again does not stand in the way of restoring a grant of tgl-2.
      const free = corrected().given(grant({ effectiveFrom: on('2019-06-01') }));
      free.thenEvent(retract(free.eventId(3)), 'EntryRetracted');
      // tgl-2 granted again does.
      const taken = corrected().given(grant({ exemptionId: 'tgl-2', effectiveFrom: on('2019-06-01') }));
      expectRetractionRefused(taken, 3, 'exemption-new', 4);
    });

    it('refuses to restore a grant whose exemption id a correction has given to another grant since', () => {
      const spec = measure(
        impose(),
        grant(),
        (ids) => retract(ids[1]!),
        grant({ exemptionId: 'other' }),
        (ids) => correct(ids[3]!, grant({ exemptionId: 'tgl' })),
      );
      expectRetractionRefused(spec, 2, 'exemption-new', 3);
    });

    it('refuses a correction giving an id that stands, and accepts one giving an id whose grant is retracted', () => {
      const spec = measure(impose(), grant(), grant({ exemptionId: 'other' }));
      spec.thenRejected(correct(spec.eventId(2), grant()), 'exemption-new', 'replacement.exemptionId');
      spec.given(retract(spec.eventId(1)));
      spec.thenEvent(correct(spec.eventId(2), grant()), 'EntryCorrected');
    });
  });

  describe('no refusal where nothing is in the way', () => {
    it('restores a grant when the grant given its id since has been retracted, or corrected to another id', () => {
      const base = () =>
        measure(impose(), grant(), (ids) => retract(ids[1]!), grant({ effectiveFrom: on('2019-06-01') }));
      const retracted = base();
      retracted.given(retract(retracted.eventId(3)));
      retracted.thenEvent(retract(retracted.eventId(2)), 'EntryRetracted');
      const corrected = base();
      corrected.given(correct(corrected.eventId(3), grant({ exemptionId: 'tgl-2' })));
      corrected.thenEvent(retract(corrected.eventId(2)), 'EntryRetracted');
    });

    it('takes a grant out again even when its amendment is left standing, as retracting the grant would', () => {
      const spec = measure(
        impose(),
        grant(),
        (ids) => retract(ids[1]!),
        (ids) => retract(ids[2]!),
        amend(),
      );
      spec.thenEvent(retract(spec.eventId(3)), 'EntryRetracted');
    });

    it('restores an amendment beside a revocation recorded after it: the facts of amending, then revoking', () => {
      const spec = measure(impose(), grant(), amend(), (ids) => retract(ids[2]!), revoke());
      spec.thenEvent(retract(spec.eventId(3)), 'EntryRetracted');
    });
  });

  describe('restored facts whose target no longer stands', () => {
    it('refuses to restore an amendment or a revocation of an exemption whose grant is retracted', () => {
      for (const change of [amend(), revoke()]) {
        const spec = measure(
          impose(),
          grant(),
          change,
          (ids) => retract(ids[2]!),
          (ids) => retract(ids[1]!),
        );
        expectRetractionRefused(spec, 3, 'exemption-exists');
        // Restoring the grant first makes way.
        spec.given(retract(spec.eventId(4)));
        spec.thenEvent(retract(spec.eventId(3)), 'EntryRetracted');
      }
    });

    it('refuses to restore a revocation beside another revocation of the exemption', () => {
      const spec = measure(impose(), grant(), revoke(), (ids) => retract(ids[2]!), revoke());
      expectRetractionRefused(spec, 3, 'exemption-not-revoked', 4);
    });

    it('refuses to restore a withdrawal of an announcement since enacted, or whose announcement is retracted', () => {
      const enacted = measure(
        impose(),
        announce('a1'),
        withdraw('a1'),
        (ids) => retract(ids[2]!),
        grant({ enacts: 'a1' }),
      );
      expectRetractionRefused(enacted, 3, 'announcement-pending', 4);
      const gone = measure(
        impose(),
        announce('a1'),
        withdraw('a1'),
        (ids) => retract(ids[2]!),
        (ids) => retract(ids[1]!),
      );
      expectRetractionRefused(gone, 3, 'announcement-pending');
    });

    it('refuses to restore an enactment of an announcement since withdrawn', () => {
      const spec = measure(
        impose(),
        announce('a1'),
        grant({ enacts: 'a1' }),
        (ids) => retract(ids[2]!),
        withdraw('a1'),
      );
      expectRetractionRefused(spec, 3, 'announcement-pending', 4);
    });

    it('refuses to restore a lifting beside another lifting', () => {
      const spec = measure(impose(), lift(), (ids) => retract(ids[1]!), lift(on('2020-02-01')));
      expectRetractionRefused(spec, 2, 'not-lifted', 3);
    });

    it('refuses to restore a fact of a retracted measure until its imposition is restored', () => {
      const spec = measure(
        impose(),
        grant(),
        (ids) => retract(ids[1]!),
        (ids) => retract(ids[0]!),
      );
      expectRetractionRefused(spec, 2, 'measure-exists');
      spec.given(retract(spec.eventId(3)));
      spec.thenEvent(retract(spec.eventId(2)), 'EntryRetracted');
    });

    it('refuses to retract a correction whose replaced payload enacts an announcement since withdrawn', () => {
      const spec = measure(
        impose(),
        announce('a1'),
        grant({ enacts: 'a1' }),
        (ids) => correct(ids[2]!, grant()),
        withdraw('a1'),
      );
      expectRetractionRefused(spec, 3, 'announcement-pending', 4);
    });
  });

  it('names the event it would restore, the rule and the event in the way', () => {
    const spec = measure(impose(), grant(), (ids) => retract(ids[1]!), grant({ effectiveFrom: on('2019-06-01') }));
    const { rejection } = spec.when(retract(spec.eventId(2)));
    expect(rejection).toEqual({
      rule: 'exemption-new',
      field: 'eventId',
      value: spec.eventId(2),
      message:
        `retracting event ${spec.eventId(2)} would restore event ${spec.eventId(1)} (ExemptionGranted), which grants ` +
        `exemption tgl, but event ${spec.eventId(3)} (ExemptionGranted) already grants exemption tgl: retract or ` +
        `correct event ${spec.eventId(3)} first`,
    });
  });
});
