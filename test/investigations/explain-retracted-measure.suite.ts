/**
 * A measure whose imposition is retracted (recorded by mistake) restricts nothing, and an explanation of a check says
 * so: that it was recorded as restricting the category for the subject, and then retracted, on the retraction event.
 * It is told where its imposition as recorded named the subject and covered the category; it decides no "not"
 * (`notRestricting[]` is about valid time, and as known now the measure never was in force).
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { checkCategory } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/explain-retracted-measure', () => {
  const at = Date.parse('2020-03-01T00:00:00Z');

  /** m1 restricts exports for s1 from 2020-01-01 (85 FR 1), retracted; m2 restricts imports for s1. */
  function ledger() {
    const ledger = new DecidedLedger();
    const imposed = ledger.append({
      ...imposition('m1', ['s1'], ['exports'], '2020-01-01'),
      title: 'Entity List: s1',
      citation: '85 FR 1',
    } as LedgerCommand);
    ledger.append(imposition('m2', ['s1', 's2'], ['imports'], '2020-01-01'));
    const retraction = ledger.append({
      type: 'RetractEntry',
      measureId: 'm1',
      eventId: imposed.eventId,
      reason: 'recorded against the wrong company',
    });
    return { ledger, imposed, retraction, k: { at, asOfPosition: ledger.model.position } };
  }

  it('an explanation of a category the retracted measure covered says it was recorded and then retracted', () => {
    const { ledger: l, imposed, retraction, k } = ledger();
    const check = checkCategory(l.model, 's1', 'exports/chips', k);
    expect(check.status).toBe('not-restricted');
    expect(check.notRestricting).toEqual([]);
    const steps = explainCheck(l.model, check, k).filter((s) => s.measureId === 'm1');
    expect(steps).toEqual([
      {
        kind: 'retraction',
        measureId: 'm1',
        sentence:
          'm1 "Entity List: s1" (85 FR 1) was recorded at position 1 as restricting exports for s1 from 2020-01-01, ' +
          `and retracted at position 3 (${retraction.recordedAt}) as recorded by mistake: recorded against the wrong ` +
          'company. It restricts nothing.',
        events: [
          { eventId: imposed.eventId, position: '1', citation: '85 FR 1' },
          { eventId: retraction.eventId, position: '3' },
        ],
      },
    ]);
  });

  it('is told whatever the verdict, and not where its imposition did not cover the category or name the subject', () => {
    const { ledger: l, k } = ledger();
    const mentionsM1 = (subject: string, category: string) =>
      explainCheck(l.model, checkCategory(l.model, subject, category, k), k).some((s) => s.measureId === 'm1');
    expect(mentionsM1('s1', 'exports')).toBe(true);
    // A category above the one it covered overlaps it.
    l.append(imposition('m3', ['s1'], ['exports/chips'], '2020-01-01'));
    const now = { at, asOfPosition: l.model.position };
    const check = checkCategory(l.model, 's1', 'exports/chips', now);
    expect(check.status).toBe('restricted');
    expect(explainCheck(l.model, check, now).some((s) => s.measureId === 'm1' && s.kind === 'retraction')).toBe(true);
    expect(mentionsM1('s1', 'imports')).toBe(false);
    expect(mentionsM1('s2', 'exports')).toBe(false);
  });

  it('restored by retracting its retraction, it restricts again and is explained as any measure in force', () => {
    const { ledger: l, retraction } = ledger();
    l.append({ type: 'RetractEntry', measureId: 'm1', eventId: retraction.eventId, reason: 'the listing was right' });
    const k = { at, asOfPosition: l.model.position };
    const check = checkCategory(l.model, 's1', 'exports', k);
    expect(check.status).toBe('restricted');
    const steps = explainCheck(l.model, check, k).filter((s) => s.measureId === 'm1');
    expect(steps.map((s) => s.kind)).toEqual(['restriction', 'retraction', 'retraction']);
    expect(steps.some((s) => s.sentence.includes('It restricts nothing'))).toBe(false);
  });
});
