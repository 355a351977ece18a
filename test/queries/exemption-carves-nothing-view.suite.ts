/**
 * What the measure view, the state, checks and explanations say of an exemption that carves nothing at T: one whose
 * only subject has since been removed from the measure, and one amended to cover only categories outside the
 * measure's scope. The view lists an exemption with the subjects of the measure at T it covers, and leaves out one
 * that carves nothing, as the state and checks do; an explanation says the amended one carves nothing.
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { measureView } from '../../projections/measure-view.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

const grant = (exemptionId: string, categories: string[], subjects?: string[]): LedgerCommand => ({
  type: 'GrantExemption',
  measureId: 'm1',
  exemptionId,
  title: exemptionId,
  categories,
  ...(subjects ? { subjects } : {}),
  effectiveFrom: '2020-02-01',
});

describe('queries/exemption-carves-nothing-view', () => {
  /**
   * m1 restricts exports for s1, s2 and s3 from 2020-01-01. From 2020-02-01: `only-s2` (for s2), `s2-s3` (for s2
   * and s3), and `all-but-s3` (every subject, s3 taken off it on 2020-02-10). s2 and s3 are removed from m1 on
   * 2020-03-01.
   */
  function subjectsRemoved() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1', 's2', 's3'], ['exports'], '2020-01-01'));
    ledger.append(grant('only-s2', ['exports/chips'], ['s2']));
    ledger.append(grant('s2-s3', ['exports/tools'], ['s2', 's3']));
    ledger.append(grant('all-but-s3', ['exports/software']));
    ledger.append({
      type: 'AmendExemption',
      measureId: 'm1',
      exemptionId: 'all-but-s3',
      removeSubjects: ['s3'],
      effectiveFrom: '2020-02-10',
    });
    ledger.append({ type: 'RemoveSubjects', measureId: 'm1', subjects: ['s2', 's3'], effectiveFrom: '2020-03-01' });
    return { model: ledger.model, k: (day: string) => ({ at: Date.parse(day), asOfPosition: ledger.model.position }) };
  }
  const viewed = (view: ReturnType<typeof measureView>) =>
    view!.exemptions.map((e) => ({ id: e.exemptionId, subjects: e.subjects, without: e.withoutSubjects }));

  it('lists each exemption with the subjects it covers while they are subjects of the measure', () => {
    const { model, k } = subjectsRemoved();
    expect(viewed(measureView(model, 'm1', k('2020-02-15')))).toEqual([
      { id: 'only-s2', subjects: ['s2'], without: [] },
      { id: 's2-s3', subjects: ['s2', 's3'], without: [] },
      { id: 'all-but-s3', subjects: 'all', without: ['s3'] },
    ]);
  });

  it('once its only subject is removed from the measure, leaves the exemption out, and names no removed subject', () => {
    const { model, k } = subjectsRemoved();
    expect(viewed(measureView(model, 'm1', k('2020-04-01')))).toEqual([
      { id: 'all-but-s3', subjects: 'all', without: [] },
    ]);
    // What the view says is what the state of each subject says.
    expect(subjectState(model, 's1', k('2020-04-01')).exemptions.map((e) => e.exemptionId)).toEqual(['all-but-s3']);
    expect(subjectState(model, 's2', k('2020-04-01')).exemptions).toEqual([]);
  });

  /**
   * m1 restricts exports/chips for s1 from 2020-01-01; `gpu` carves exports/chips/gpu out from 2020-02-01 and is
   * amended on 2020-03-01 to cover exports/tools instead, which m1 does not cover.
   */
  function amendedOutOfScope() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['exports/chips'], '2020-01-01'));
    ledger.append(grant('gpu', ['exports/chips/gpu']));
    ledger.append({
      type: 'AmendExemption',
      measureId: 'm1',
      exemptionId: 'gpu',
      addCategories: ['exports/tools'],
      removeCategories: ['exports/chips/gpu'],
      effectiveFrom: '2020-03-01',
    });
    return { model: ledger.model, k: (day: string) => ({ at: Date.parse(day), asOfPosition: ledger.model.position }) };
  }

  it('before the amendment, the exemption carves gpu out, as every answer says', () => {
    const { model, k } = amendedOutOfScope();
    expect(viewed(measureView(model, 'm1', k('2020-02-15')))).toEqual([{ id: 'gpu', subjects: 'all', without: [] }]);
    expect(subjectState(model, 's1', k('2020-02-15')).exemptions.map((e) => e.exemptionId)).toEqual(['gpu']);
    expect(checkCategory(model, 's1', 'exports/chips', k('2020-02-15')).status).toBe('partially-restricted');
  });

  it('amended to cover only categories outside the scope, it carves nothing and is said to carve nothing', () => {
    const { model, k } = amendedOutOfScope();
    const t = k('2020-04-01');
    expect(viewed(measureView(model, 'm1', t))).toEqual([]);
    expect(subjectState(model, 's1', t).exemptions).toEqual([]);
    expect(subjectState(model, 's1', t).restricted.map((r) => r.categories)).toEqual([['exports/chips']]);
    for (const category of ['exports/chips', 'exports/chips/gpu', 'exports/tools']) {
      const check = checkCategory(model, 's1', category, t);
      expect(check.exemptions).toEqual([]);
      expect(check.status).toBe(category === 'exports/tools' ? 'not-restricted' : 'restricted');
    }
    const sentences = explainCheck(model, checkCategory(model, 's1', 'exports', t), t)
      .filter((step) => step.kind === 'exemption')
      .map((step) => step.sentence);
    expect(sentences).toEqual([
      'Exemption gpu "gpu" is in force but carves nothing out of m1: it covers exports/tools, as amended, which m1 does not cover on 2020-04-01.',
    ]);
  });
});
