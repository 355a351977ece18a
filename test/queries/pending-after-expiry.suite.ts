/**
 * Nothing of a measure is pending once it has ended: past its effectiveUntil,
 * as for a lifted measure, an easing announced for it is no longer "announced,
 * with no legal effect yet". Before the end it is pending as announced. State,
 * check, the measure route, the explanation and replay agree
 * (docs/domain.md "Pending").
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { measureView } from '../../projections/measure-view.js';
import { replaySubject } from '../../projections/replay.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('queries/pending-after-expiry', () => {
  const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

  /** m1 in force from 2020-01-01 until 2020-12-01, an easing of exports/cars announced 2020-08-01. */
  function expiring() {
    const ledger = new DecidedLedger();
    const imposed = imposition('m1', ['s1'], ['exports'], '2020-01-01');
    const impose = ledger.append({ ...imposed, effectiveUntil: '2020-12-01' } as LedgerCommand);
    ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId: 'a1',
      statement: 'exports/cars will be eased',
      announcedAt: '2020-08-01',
      categories: ['exports/cars'],
    });
    return { ledger, impose, k: (day: string) => ({ at: at(day), asOfPosition: ledger.model.position }) };
  }

  it('is pending between its announcement and the end of the measure', () => {
    const { ledger, k } = expiring();
    expect(subjectState(ledger.model, 's1', k('2020-09-01')).pending.map((p) => p.announcementId)).toEqual(['a1']);
    expect(measureView(ledger.model, 'm1', k('2020-09-01'))!.pending.map((p) => p.announcementId)).toEqual(['a1']);
    const justBefore = { at: at('2020-12-01') - 1, asOfPosition: ledger.model.position };
    expect(subjectState(ledger.model, 's1', justBefore).pending).toHaveLength(1);
  });

  it('from the end of the measure nothing is pending: state, check, measure route and explanation agree', () => {
    const { ledger, k } = expiring();
    for (const day of ['2020-12-01', '2021-06-01', '2030-01-01']) {
      expect(subjectState(ledger.model, 's1', k(day)).pending).toEqual([]);
      const check = checkCategory(ledger.model, 's1', 'exports/cars', k(day));
      expect([check.status, check.pending]).toEqual(['not-restricted', []]);
      const view = measureView(ledger.model, 'm1', k(day))!;
      expect([view.inForce, view.pending]).toEqual([false, []]);
      const sentences = explainCheck(ledger.model, check, k(day)).map((s) => s.sentence);
      expect(sentences.join(' ')).not.toContain('no legal effect yet');
    }
  });

  it('replay in valid order shows the pending easing ending at the end of the measure, with the restriction', () => {
    const { ledger, impose } = expiring();
    const steps = replaySubject(ledger.model, 's1', { order: 'valid', asOfPosition: ledger.model.position }).steps;
    const step = steps.find((s) => s.effectiveAt === '2020-12-01T00:00:00.000Z')!;
    expect(step.changes.stopped.pending).toEqual(['m1/a1']);
    expect(step.causes.map((c) => c.eventId)).toContain(impose.eventId);
  });
});
