/**
 * A record that moves an end date changes what is true between the old end
 * and the new one, not at its own instant: replay in record order must not
 * call it unchanged (DOMAIN.md "Replay and explanations": a step says what
 * became or stopped being true, as known just before and just after it).
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject, type ReplayStep } from '../../projections/replay.js';
import { checkCategory } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/replay-end-dates', () => {
  const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

  /** m2 restricts `a` for s2 from 2019-01-01; e1 exempts a/x for [03-01, 05-01), corrected to end 04-01, amended from 03-10 to end 03-20. */
  function ledgerWithMovedEnds() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m2', ['s2'], ['a'], '2019-01-01'));
    const grant = {
      measureId: 'm2',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01T00:00:00.000Z',
    };
    const granted = ledger.append({ type: 'GrantExemption', ...grant, effectiveUntil: '2019-05-01T00:00:00.000Z' });
    const corrected = ledger.append({
      type: 'CorrectEntry',
      measureId: 'm2',
      eventId: granted.eventId,
      reason: 'the licence ends in April',
      replacement: { ...grant, effectiveUntil: '2019-04-01T00:00:00.000Z' },
    });
    const amended = ledger.append({
      type: 'AmendExemption',
      measureId: 'm2',
      exemptionId: 'e1',
      effectiveFrom: '2019-03-10',
      effectiveUntil: '2019-03-20',
    });
    return { ledger, corrected, amended };
  }

  const stepAt = (steps: ReplayStep[], position: bigint) => steps.find((s) => s.position === String(position))!;
  const statusOf = (ledger: DecidedLedger, day: string, asOfPosition: bigint) =>
    checkCategory(ledger.model, 's2', 'a/x', { at: at(day), asOfPosition }).status;
  const restrictedA = { categories: ['a/x'], except: [] };
  const nothing = { categories: [], except: [] };

  describe('replay in record order, of records that move an end date', () => {
    it('a correction that ends a licence earlier is a change from the new end to the old one, caused by the correction', () => {
      const { ledger, corrected } = ledgerWithMovedEnds();
      // What the check says as of each side of the correction: the replay must agree.
      expect(statusOf(ledger, '2019-04-15', corrected.position - 1n)).toBe('not-restricted');
      expect(statusOf(ledger, '2019-04-15', corrected.position)).toBe('restricted');

      const steps = replaySubject(ledger.model, 's2', { order: 'record', asOfPosition: ledger.model.position }).steps;
      const step = stepAt(steps, corrected.position);
      expect(step.unchanged).toBe(false);
      expect(step.causes.map((c) => [c.eventId, c.type])).toEqual([[corrected.eventId, 'EntryCorrected']]);
      expect(
        step.changedIntervals!.map((i) => [i.from, i.until, i.changes.became.restricted, i.changes.stopped.exempt]),
      ).toEqual([['2019-04-01T00:00:00.000Z', '2019-05-01T00:00:00.000Z', restrictedA, restrictedA]]);
      expect(step.changedIntervals![0]!.before.asOfPosition).toBe(String(corrected.position - 1n));
      expect(step.changedIntervals![0]!.after.asOfPosition).toBe(String(corrected.position));
    });

    it('an amendment effective 03-10 that sets the end to 03-20 is a change from 03-20 to 04-01, not at 03-10', () => {
      const { ledger, amended } = ledgerWithMovedEnds();
      expect(statusOf(ledger, '2019-03-25', amended.position - 1n)).toBe('not-restricted');
      expect(statusOf(ledger, '2019-03-25', amended.position)).toBe('restricted');

      const steps = replaySubject(ledger.model, 's2', { order: 'record', asOfPosition: ledger.model.position }).steps;
      const step = stepAt(steps, amended.position);
      expect(step.unchanged).toBe(false);
      expect(step.causes.map((c) => c.eventId)).toEqual([amended.eventId]);
      // At its own instant nothing changed, and the step says so; the change is where the window closes.
      expect(step.effectiveAt).toBe('2019-03-10T00:00:00.000Z');
      expect(step.changes.became.restricted).toEqual(nothing);
      expect(step.changedIntervals!.map((i) => [i.from, i.until, i.changes.became.restricted])).toEqual([
        ['2019-03-20T00:00:00.000Z', '2019-04-01T00:00:00.000Z', restrictedA],
      ]);
    });

    it('a record that changes nothing at any valid time is unchanged, with no causes', () => {
      const { ledger } = ledgerWithMovedEnds();
      // Broadening to a category the measure already covers changes no valid time's state.
      const broadened = ledger.append({
        type: 'BroadenScope',
        measureId: 'm2',
        categories: ['a/y'],
        effectiveFrom: '2019-02-01',
      });
      const step = stepAt(
        replaySubject(ledger.model, 's2', { order: 'record', asOfPosition: ledger.model.position }).steps,
        broadened.position,
      );
      expect(step).toMatchObject({ unchanged: true, causes: [], changedIntervals: [] });
    });

    it('with one valid time asked for every step, still calls a record changed when it changed another valid time', () => {
      const { ledger, amended } = ledgerWithMovedEnds();
      const steps = replaySubject(ledger.model, 's2', {
        order: 'record',
        asOfPosition: ledger.model.position,
        at: at('2019-02-01'),
      }).steps;
      const step = stepAt(steps, amended.position);
      expect(step.after.at).toBe('2019-02-01T00:00:00.000Z');
      expect(step.changes.became.restricted).toEqual(nothing);
      expect(step.unchanged).toBe(false);
      expect(step.changedIntervals!.map((i) => i.from)).toEqual(['2019-03-20T00:00:00.000Z']);
    });
  });
});
