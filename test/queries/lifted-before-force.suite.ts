/**
 * A measure lifted before it takes effect will never be in force: from the
 * lifting's instant nothing of it is pending, neither its imposition nor an
 * easing of it (a lifted measure has nothing left to ease). Before that
 * instant it is pending as announced. State, check, the measure route,
 * replay and the explanation must all say the same (docs/domain.md "Pending").
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { measureView } from '../../projections/measure-view.js';
import { replaySubject } from '../../projections/replay.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('queries/lifted-before-force', () => {
  const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

  /** m1 announced 2020-01-01, in force from 2020-06-01, an easing announced 2020-02-01, lifted from 2020-03-01. */
  function liftedBeforeForce() {
    const ledger = new DecidedLedger();
    const imposed = imposition('m1', ['s1'], ['exports'], '2020-06-01');
    ledger.append({ ...imposed, announcedAt: '2020-01-01' } as LedgerCommand);
    ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId: 'a1',
      statement: 'exports of spares to be allowed',
      announcedAt: '2020-02-01',
    });
    const lift = ledger.append({ type: 'LiftRestriction', measureId: 'm1', effectiveFrom: '2020-03-01' });
    return { ledger, lift, k: (day: string) => ({ at: at(day), asOfPosition: ledger.model.position }) };
  }

  it('is pending before the lifting instant: the imposition and its easing', () => {
    const { ledger, k } = liftedBeforeForce();
    const pending = subjectState(ledger.model, 's1', k('2020-02-15')).pending;
    expect(pending.map((p) => [p.kind, p.announcementId])).toEqual([
      ['imposition', null],
      ['easing', 'a1'],
    ]);
    expect(measureView(ledger.model, 'm1', k('2020-02-15'))!.pending.map((p) => p.announcementId)).toEqual(['a1']);
    // The last millisecond before the lifting still has them.
    const justBefore = { at: at('2020-03-01') - 1, asOfPosition: ledger.model.position };
    expect(subjectState(ledger.model, 's1', justBefore).pending).toHaveLength(2);
  });

  it('from the lifting instant nothing is pending: state, check, measure route and explanation agree', () => {
    const { ledger, k } = liftedBeforeForce();
    for (const day of ['2020-03-01', '2020-04-01', '2020-07-01']) {
      expect(subjectState(ledger.model, 's1', k(day)).pending).toEqual([]);
      const check = checkCategory(ledger.model, 's1', 'exports', k(day));
      expect(check.status).toBe('not-restricted');
      expect(check.pending).toEqual([]);
      const view = measureView(ledger.model, 'm1', k(day))!;
      expect([view.inForce, view.liftedFrom, view.pending]).toEqual([false, '2020-03-01', []]);
      const sentences = explainCheck(ledger.model, check, k(day)).map((s) => s.sentence);
      expect(sentences.join(' ')).not.toContain('in force from 2020-06-01');
      expect(sentences.join(' ')).not.toContain('no legal effect yet');
    }
  });

  it('replay in valid order shows the pending set ending at the lifting instant, caused by the lifting', () => {
    const { ledger, lift } = liftedBeforeForce();
    const steps = replaySubject(ledger.model, 's1', { order: 'valid', asOfPosition: ledger.model.position }).steps;
    const step = steps.find((s) => s.effectiveAt === '2020-03-01T00:00:00.000Z')!;
    expect(step.unchanged).toBe(false);
    expect(step.changes.stopped.pending).toEqual(['m1/a1', 'm1/imposition']);
    expect(step.causes.map((c) => [c.eventId, c.type])).toEqual([[lift.eventId, 'RestrictionLifted']]);
    // Nothing happens at the date the imposition would have taken effect.
    const at0601 = steps.filter((s) => s.effectiveAt === '2020-06-01T00:00:00.000Z');
    expect(at0601.every((s) => s.unchanged)).toBe(true);
  });

  it('replay in record order: recording the lifting ends the pending set from its instant on', () => {
    const { ledger, lift } = liftedBeforeForce();
    const steps = replaySubject(ledger.model, 's1', { order: 'record', asOfPosition: ledger.model.position }).steps;
    const step = steps.find((s) => s.position === String(lift.position))!;
    expect(step.unchanged).toBe(false);
    // Known before the lifting: the imposition pending until 06-01, the easing from then on; after it, neither.
    expect(step.changedIntervals!.map((i) => [i.from, i.until, i.changes.stopped.pending])).toEqual([
      ['2020-03-01T00:00:00.000Z', '2020-06-01T00:00:00.000Z', ['m1/a1', 'm1/imposition']],
      ['2020-06-01T00:00:00.000Z', null, ['m1/a1']],
    ]);
  });
});
