/**
 * An exemption or announcement id given again once its first grant or
 * announcement was retracted as a mistake. What was recorded about the
 * retracted one (a revocation, an amendment, a withdrawal, an enactment)
 * acted on the grant or announcement that stood when it was recorded: the new
 * one is a new fact, born neither revoked, amended nor closed, and the decider
 * takes commands about it as about any grant or announcement. Also what a
 * correction or a chain of retractions does to that.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { resolveMeasure } from '../../src/domain/resolve-measure.js';
import { MeasureContribution } from '../../projections/measure-contribution.js';
import { announce, correct, grant, impose, MeasureSpec, on, retract } from '../support/decider-spec.js';
import '../support/fast-check-seed.js';
import { HISTORIES } from '../support/history-generator.js';

const at = (date: string) => Date.parse(on(date));

const revoke = (effectiveFrom = on('2019-07-01'), exemptionId = 'tgl'): LedgerCommand => ({
  type: 'RevokeExemption',
  measureId: 'm1',
  exemptionId,
  effectiveFrom,
});
/** Extends the licence (granted until 2019-08-20) to 2019-11-20 from 2019-08-01. */
const extend = (): LedgerCommand => ({
  type: 'AmendExemption',
  measureId: 'm1',
  exemptionId: 'tgl',
  effectiveFrom: on('2019-08-01'),
  effectiveUntil: on('2019-11-20'),
});
const withdraw = (announcementId = 'a1'): LedgerCommand => ({
  type: 'WithdrawAnnouncement',
  measureId: 'm1',
  announcementId,
  withdrawnAt: on('2019-07-01'),
});
const enactment = (): LedgerCommand => ({
  type: 'AddSubjects',
  measureId: 'm1',
  subjects: ['acme-2'],
  effectiveFrom: on('2019-07-01'),
  enacts: 'a1',
});

/** Records commands in turn; each may name the ids of the events recorded before it. */
function measure(...steps: (LedgerCommand | ((ids: string[]) => LedgerCommand))[]): MeasureSpec {
  const spec = new MeasureSpec();
  for (const step of steps)
    spec.given(typeof step === 'function' ? step(spec.state.recorded.map((e) => e.eventId)) : step);
  return spec;
}

const historyOf = (spec: MeasureSpec) => resolveMeasure(spec.measureId, spec.state.recorded);
/** The exemption ids in force at a date, as the history folds them. */
const exemptAt = (spec: MeasureSpec, date: string) =>
  historyOf(spec)
    .exemptionsAt(at(date))
    .map((e) => e.exemptionId);
/** The same as the counterfactual fold that credits causes reads it, for acme. */
const contributedAt = (spec: MeasureSpec, date: string) =>
  new MeasureContribution(historyOf(spec), 'acme', false).at(at(date)).exempt.include;
const pendingAt = (spec: MeasureSpec, date: string) =>
  historyOf(spec)
    .pendingAt(at(date))
    .map((a) => a.announcementId);

describe('domain/an id given again', () => {
  // 0 imposition, 1 grant, 2 revokes tgl from 07-01, 3 retracts 1, 4 grants tgl again.
  const regrantedAfterRevocation = () => measure(impose(), grant(), revoke(), (ids) => retract(ids[1]!), grant());

  describe('a revocation of the retracted grant', () => {
    it('does not revoke the grant given again: it is in force after the revocation date', () => {
      const spec = regrantedAfterRevocation();
      expect(exemptAt(spec, '2019-07-15')).toEqual(['tgl']);
      expect(contributedAt(spec, '2019-07-15')).toEqual(['exports/maintenance']);
      const [standing] = new MeasureContribution(historyOf(spec), 'acme').grantsAt(at('2019-07-15'));
      expect(standing?.revokedBy).toBeUndefined();
    });

    it('leaves the grant given again to be amended and revoked', () => {
      const spec = regrantedAfterRevocation();
      spec.thenEvent(extend(), 'ExemptionAmended');
      spec.thenEvent(revoke(on('2019-07-10')), 'ExemptionRevoked');
      spec.given(revoke(on('2019-07-10')));
      expect(exemptAt(spec, '2019-07-05')).toEqual(['tgl']);
      expect(exemptAt(spec, '2019-07-15')).toEqual([]);
      spec.thenRejected(revoke(), 'exemption-not-revoked', 'exemptionId');
    });
  });

  it('an amendment of the retracted grant does not amend the grant given again', () => {
    const spec = measure(impose(), grant(), extend(), (ids) => retract(ids[1]!), grant());
    expect(exemptAt(spec, '2019-08-10')).toEqual(['tgl']);
    // Granted until 08-20: the extension to 11-20 was of the retracted grant.
    expect(exemptAt(spec, '2019-09-01')).toEqual([]);
    expect(contributedAt(spec, '2019-09-01')).toEqual([]);
  });

  it('a withdrawal of the retracted announcement leaves the announcement made again pending', () => {
    const spec = measure(impose(), announce('a1'), withdraw(), (ids) => retract(ids[1]!), announce('a1'));
    expect(pendingAt(spec, '2019-07-15')).toEqual(['a1']);
    spec.thenEvent(withdraw(), 'AnnouncementWithdrawn');
    spec.thenEvent(enactment(), 'SubjectsAdded');
  });

  it('an enactment of the retracted announcement leaves the announcement made again pending', () => {
    const spec = measure(impose(), announce('a1'), enactment(), (ids) => retract(ids[1]!), announce('a1'));
    expect(pendingAt(spec, '2019-07-15')).toEqual(['a1']);
    spec.thenEvent(enactment(), 'SubjectsAdded');
    spec.given(withdraw());
    expect(pendingAt(spec, '2019-07-15')).toEqual([]);
  });

  describe('corrections', () => {
    it('a revocation corrected before the grant was retracted still acts on the retracted grant only', () => {
      const spec = measure(
        impose(),
        grant(),
        revoke(),
        (ids) => correct(ids[2]!, revoke(on('2019-07-10'))),
        (ids) => retract(ids[1]!),
        grant(),
      );
      expect(exemptAt(spec, '2019-07-15')).toEqual(['tgl']);
    });

    it('refuses to correct the revocation of the retracted grant so as to revoke the grant given again', () => {
      const spec = regrantedAfterRevocation();
      // The revocation keeps its place before the new grant: corrected, it would revoke nothing.
      spec.thenRejected(
        correct(spec.eventId(2), revoke(on('2019-07-10'))),
        'exemption-exists',
        'replacement.exemptionId',
      );
      expect(spec.when(correct(spec.eventId(2), revoke(on('2019-07-10')))).rejection!.message).toContain(
        'granted after event',
      );
    });
  });

  describe('a correction giving a grant or announcement the id of a retracted one', () => {
    it('is refused where what was recorded about the retracted grant would act on it', () => {
      // 0 imposition, 1 grants tgl, 2 grants tgl-2, 3 revokes tgl-2, 4 retracts 2.
      const spec = measure(
        impose(),
        grant(),
        grant({ exemptionId: 'tgl-2' }),
        revoke(on('2019-07-01'), 'tgl-2'),
        (ids) => retract(ids[2]!),
      );
      // Corrected in its place, 1 would be the latest grant of tgl-2 before the revocation 3: born revoked.
      spec.thenRejected(
        correct(spec.eventId(1), grant({ exemptionId: 'tgl-2' })),
        'exemption-new',
        'replacement.exemptionId',
      );
      // Keeping its id, a correction is taken, and nothing recorded about tgl-2 acts on it.
      spec.given(correct(spec.eventId(1), grant({ categories: ['exports/repairs'] })));
      expect(exemptAt(spec, '2019-07-15')).toEqual(['tgl']);
    });

    it('is refused where the withdrawal of the retracted announcement would close it', () => {
      const spec = measure(impose(), announce('a1'), announce('a2'), withdraw('a2'), (ids) => retract(ids[2]!));
      spec.thenRejected(correct(spec.eventId(1), announce('a2')), 'announcement-new', 'replacement.announcementId');
    });
  });

  describe('chains of retractions', () => {
    it('restoring the first grant brings its revocation back to act on it', () => {
      // 5 retracts the grant given again, 6 retracts 3: grant 1 stands again, and so does what revoked it.
      const spec = regrantedAfterRevocation();
      spec.given(retract(spec.eventId(4)));
      spec.given(retract(spec.eventId(3)));
      expect(exemptAt(spec, '2019-06-15')).toEqual(['tgl']);
      expect(exemptAt(spec, '2019-07-15')).toEqual([]);
      spec.thenRejected(revoke(), 'exemption-not-revoked', 'exemptionId');
    });

    it('refuses to restore a grant that would take on the revocation of a grant of its id given after it', () => {
      // 0 imposition, 1 grant, 2 retracts 1, 3 grants tgl again, 4 revokes it, 5 retracts 3.
      const spec = measure(
        impose(),
        grant(),
        (ids) => retract(ids[1]!),
        grant(),
        revoke(),
        (ids) => retract(ids[3]!),
      );
      // Retracting 2 would restore 1, the latest grant of tgl before 4, which was about 3.
      spec.thenRejected(retract(spec.eventId(2)), 'exemption-new', 'eventId');
      expect(spec.when(retract(spec.eventId(2))).rejection!.message).toContain(`take on event ${spec.eventId(4)}`);
    });

    it('refuses to restore a revocation of the retracted grant beside the grant given again', () => {
      // 0 imposition, 1 grant, 2 revocation, 3 retracts 2, 4 retracts 1, 5 grants tgl again.
      const spec = measure(
        impose(),
        grant(),
        revoke(),
        (ids) => retract(ids[2]!),
        (ids) => retract(ids[1]!),
        grant(),
      );
      // Retracting 3 would restore 2, which was recorded before any grant of tgl now standing: it would revoke nothing.
      spec.thenRejected(retract(spec.eventId(3)), 'exemption-exists', 'eventId');
      expect(exemptAt(spec, '2019-07-15')).toEqual(['tgl']);
    });
  });
});

/**
 * Whether a history gives an id again: a grant or announcement something was recorded about (an amendment,
 * revocation, withdrawal or enactment), retracted, then its id granted or announced again in the same measure.
 */
function givesAnIdAgain(events: LoggedEvent[]): boolean {
  const data = (e: LoggedEvent) => e.data as Record<string, unknown>;
  const idOf = (e: LoggedEvent) =>
    e.type === 'ExemptionGranted'
      ? `e ${String(data(e).exemptionId)}`
      : e.type === 'EasingAnnounced'
        ? `a ${String(data(e).announcementId)}`
        : undefined;
  const about = (e: LoggedEvent) =>
    e.type === 'ExemptionAmended' || e.type === 'ExemptionRevoked'
      ? `e ${String(data(e).exemptionId)}`
      : e.type === 'AnnouncementWithdrawn'
        ? `a ${String(data(e).announcementId)}`
        : typeof data(e).enacts === 'string'
          ? `a ${String(data(e).enacts)}`
          : undefined;
  return events.some((first, i) => {
    const id = idOf(first);
    if (!id) return false;
    const later = events.slice(i + 1).filter((e) => e.streamId === first.streamId);
    const retraction = later.findIndex((e) => e.type === 'EntryRetracted' && data(e).eventId === first.eventId);
    return (
      retraction >= 0 &&
      later.slice(0, retraction).some((e) => about(e) === id) &&
      later.slice(retraction + 1).some((e) => idOf(e) === id)
    );
  });
}

describe('domain/an id given again, in generated histories', () => {
  // The oracle suites draw these histories at the fixed seed: enough of them must give an id again to exercise the rule.
  it.each(Object.entries(HISTORIES))('the %s shape gives ids again', (_shape, histories) => {
    const sampled = fc.sample(histories, { numRuns: 200 });
    // At the fixed seed: 26 of the default shape's 200, 12 of the wide shape's; none before the generator did it on purpose.
    expect(sampled.filter(givesAnIdAgain).length).toBeGreaterThanOrEqual(8);
  });
});
