/**
 * Replay in valid order places an event's unchanged step at the instant the
 * event stands at as known at the position (DOMAIN.md "Replay and
 * explanations"): a corrected event where its correction put it, with the
 * correction beside it; a retracted event, and every event of a measure whose
 * imposition is retracted, nowhere. A retraction is a change in record time
 * only: it is a step in record order, none in valid order.
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject, type ReplayStep } from '../../projections/replay.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/replay-standing-instants', () => {
  const MAY = '2020-05-01T00:00:00.000Z';
  const JUNE = '2020-06-01T00:00:00.000Z';
  const stepsOf = (ledger: DecidedLedger, subjectId: string, order: 'valid' | 'record' = 'valid') =>
    replaySubject(ledger.model, subjectId, { order, asOfPosition: BigInt(ledger.events.length) }).steps;
  const brief = (steps: ReplayStep[]) =>
    steps.map((s) => ({ at: s.effectiveAt, type: s.type, eventId: s.eventId, unchanged: s.unchanged }));

  it('puts a corrected addition of a subject already named, and its correction, at the corrected instant only', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['a'], '2020-01-01'));
    const added = ledger.append({
      type: 'AddSubjects',
      measureId: 'm1',
      subjects: ['s1'],
      effectiveFrom: '2020-05-01',
    });
    const corrected = ledger.append({
      type: 'CorrectEntry',
      measureId: 'm1',
      eventId: added.eventId,
      reason: 'wrong date',
      replacement: { measureId: 'm1', subjects: ['s1'], effectiveFrom: '2020-06-01' },
    });
    const steps = brief(stepsOf(ledger, 's1'));
    expect(steps.filter((s) => s.at === MAY)).toEqual([]);
    expect(steps.filter((s) => s.at === JUNE)).toEqual([
      { at: JUNE, type: 'SubjectsAdded', eventId: added.eventId, unchanged: true },
      { at: JUNE, type: 'EntryCorrected', eventId: corrected.eventId, unchanged: true },
    ]);
  });

  it('puts a grant whose start a correction moved, and the correction, at the new start only', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1', 's2'], ['a'], '2020-01-01'));
    const grant = {
      type: 'GrantExemption' as const,
      measureId: 'm1',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a'],
      subjects: ['s2'],
    };
    const granted = ledger.append({ ...grant, effectiveFrom: '2020-05-01' });
    const corrected = ledger.append({
      type: 'CorrectEntry',
      measureId: 'm1',
      eventId: granted.eventId,
      reason: 'wrong date',
      replacement: { ...grant, effectiveFrom: '2020-06-01' },
    });
    // The licence is s2's: nothing changes for s1 when it begins.
    const steps = brief(stepsOf(ledger, 's1'));
    expect(steps.filter((s) => s.at === MAY)).toEqual([]);
    expect(steps.filter((s) => s.at === JUNE)).toEqual([
      { at: JUNE, type: 'ExemptionGranted', eventId: granted.eventId, unchanged: true },
      { at: JUNE, type: 'EntryCorrected', eventId: corrected.eventId, unchanged: true },
    ]);
  });

  it('lists no step for the events of a measure whose imposition is retracted', () => {
    const ledger = new DecidedLedger();
    const imposed = ledger.append(imposition('m1', ['s1'], ['a'], '2020-01-01'));
    ledger.append({ type: 'BroadenScope', measureId: 'm1', categories: ['b'], effectiveFrom: '2020-02-01' });
    ledger.append({ type: 'RetractEntry', measureId: 'm1', eventId: imposed.eventId, reason: 'recorded by mistake' });
    expect(stepsOf(ledger, 's1')).toEqual([]);
  });

  it('lists a retraction as a step in record order and nowhere in valid order', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['a'], '2020-01-01'));
    ledger.append({ type: 'BroadenScope', measureId: 'm1', categories: ['b'], effectiveFrom: '2020-02-01' });
    // Broadens to what is already restricted: nothing changes for s1 at 05-01, with it or without it.
    const redundant = ledger.append({
      type: 'BroadenScope',
      measureId: 'm1',
      categories: ['a'],
      effectiveFrom: '2020-05-01',
    });
    const retraction = ledger.append({
      type: 'RetractEntry',
      measureId: 'm1',
      eventId: redundant.eventId,
      reason: 'recorded twice',
    });
    const valid = brief(stepsOf(ledger, 's1'));
    expect(valid.filter((s) => s.eventId === retraction.eventId || s.eventId === redundant.eventId)).toEqual([]);
    expect(valid.filter((s) => s.at === MAY)).toEqual([]);
    expect(brief(stepsOf(ledger, 's1', 'record')).map((s) => s.eventId)).toContain(retraction.eventId);
  });
});
