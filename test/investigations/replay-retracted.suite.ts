/**
 * Replay in valid order lists an unchanged step for each event effective
 * where nothing changes for the subject (DOMAIN.md "Replay and explanations").
 * A retracted event is effective nowhere: as known after its retraction it is
 * no step at all, though as known before it, it was one.
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject } from '../../projections/replay.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/replay-retracted', () => {
  function ledgerWithRetractedAmendment() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m2', ['s2'], ['a'], '2019-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm2',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01T00:00:00.000Z',
    });
    // Gives the licence an end in 2030: nothing changes for s2 at 03-10, the day it takes effect (an unchanged step).
    const amended = ledger.append({
      type: 'AmendExemption',
      measureId: 'm2',
      exemptionId: 'e1',
      effectiveFrom: '2019-03-10',
      effectiveUntil: '2030-01-01',
    });
    const retracted = ledger.append({
      type: 'RetractEntry',
      measureId: 'm2',
      eventId: amended.eventId,
      reason: 'wrong',
    });
    return { ledger, amended, retracted };
  }

  const unchangedSteps = (ledger: DecidedLedger, eventId: string, asOfPosition: bigint) =>
    replaySubject(ledger.model, 's2', { order: 'valid', asOfPosition }).steps.filter(
      (s) => s.eventId === eventId && s.unchanged,
    );

  it('lists a standing event effective where nothing changes as an unchanged step', () => {
    const { ledger, amended } = ledgerWithRetractedAmendment();
    expect(unchangedSteps(ledger, amended.eventId, amended.position)).toEqual([
      expect.objectContaining({ effectiveAt: '2019-03-10T00:00:00.000Z' }),
    ]);
  });

  it('lists no step for it once it is retracted', () => {
    const { ledger, amended, retracted } = ledgerWithRetractedAmendment();
    expect(unchangedSteps(ledger, amended.eventId, retracted.position)).toEqual([]);
  });
});
