/**
 * A replay as of a position is what was known then: a measure that named the
 * subject only later, and its events, are not part of it, whatever has been
 * recorded since (DOMAIN.md "Two clocks": a later fact leaves earlier asOf
 * answers exactly as they were).
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject, type ReplayOrder } from '../../projections/replay.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/replay-as-of', () => {
  const impose = (measureId: string, subjects: string[]) => imposition(measureId, subjects, ['a'], '2019-01-01');

  /** m1 with five events about s1, and s6 named by nothing yet. */
  function ledgerBeforeS6IsNamed(): DecidedLedger {
    const ledger = new DecidedLedger();
    ledger.append(impose('m1', ['s1']));
    ledger.append({ type: 'BroadenScope', measureId: 'm1', categories: ['b'], effectiveFrom: '2019-02-01' });
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01',
    });
    ledger.append({ type: 'NarrowScope', measureId: 'm1', remove: ['b'], effectiveFrom: '2019-04-01' });
    ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId: 'a1',
      statement: 'easing',
      announcedAt: '2019-05-01',
    });
    return ledger;
  }

  describe('replay as of a position, after later writes', () => {
    it.each<ReplayOrder>(['record', 'valid'])(
      'in %s order, as of a position before any event named the subject, has no steps before or after the subject is added',
      (order) => {
        const ledger = ledgerBeforeS6IsNamed();
        const asOfPosition = ledger.model.position;
        const before = replaySubject(ledger.model, 's6', { order, asOfPosition });
        expect(before.steps).toEqual([]);
        ledger.append({ type: 'AddSubjects', measureId: 'm1', subjects: ['s6'], effectiveFrom: '2019-06-01' });
        expect(replaySubject(ledger.model, 's6', { order, asOfPosition })).toEqual(before);
        // As of the addition, m1 concerns s6: its earlier events are part of the subject's history from then on.
        expect(replaySubject(ledger.model, 's6', { order, asOfPosition: ledger.model.position }).steps).not.toEqual([]);
      },
    );

    it('in record order, as of a position, keeps only the measures that had named the subject by then', () => {
      const ledger = ledgerBeforeS6IsNamed();
      ledger.append(impose('m2', ['s6']));
      const asOfPosition = ledger.model.position;
      const before = replaySubject(ledger.model, 's6', { order: 'record', asOfPosition });
      expect(before.steps.map((s) => s.measureId)).toEqual(['m2']);
      ledger.append({ type: 'AddSubjects', measureId: 'm1', subjects: ['s6'], effectiveFrom: '2019-06-01' });
      expect(replaySubject(ledger.model, 's6', { order: 'record', asOfPosition })).toEqual(before);
    });
  });
});
