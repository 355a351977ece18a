/**
 * An exemption carves out only what its measure covers: after a narrowing
 * takes exports/chips out of the scope, an exemption of exports/chips/gpu
 * carves nothing. It is not listed in the state's or a check's exemptions, and
 * an explanation says it is in force but carves nothing, never that it
 * "carves exports/chips/gpu out of m1". Before the narrowing it carves gpu out.
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('queries/exemption-outside-scope', () => {
  function narrowedAroundExemption() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['exports'], '2020-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e',
      title: 'gpu',
      categories: ['exports/chips/gpu'],
      effectiveFrom: '2020-02-01',
    });
    ledger.append({ type: 'NarrowScope', measureId: 'm1', remove: ['exports/chips'], effectiveFrom: '2020-03-01' });
    return { ledger, k: (day: string) => ({ at: Date.parse(day), asOfPosition: ledger.model.position }) };
  }

  const exemptionSentences = (ledger: DecidedLedger, category: string, k: { at: number; asOfPosition: bigint }) =>
    explainCheck(ledger.model, checkCategory(ledger.model, 's1', category, k), k)
      .filter((step) => step.kind === 'exemption')
      .map((step) => step.sentence);

  it('before the narrowing, carves gpu out of m1', () => {
    const { ledger, k } = narrowedAroundExemption();
    expect(subjectState(ledger.model, 's1', k('2020-02-15')).exemptions.map((e) => e.exemptionId)).toEqual(['e']);
    expect(exemptionSentences(ledger, 'exports', k('2020-02-15'))).toEqual([
      'Exemption e "gpu" carves exports/chips/gpu out of m1 from 2020-02-01 with no end date.',
    ]);
  });

  it('after the narrowing, is listed by neither state nor check, and the explanation says it carves nothing', () => {
    const { ledger, k } = narrowedAroundExemption();
    expect(subjectState(ledger.model, 's1', k('2020-04-01')).exemptions).toEqual([]);
    for (const category of ['exports', 'exports/chips/gpu'])
      expect(checkCategory(ledger.model, 's1', category, k('2020-04-01')).exemptions).toEqual([]);
    expect(exemptionSentences(ledger, 'exports', k('2020-04-01'))).toEqual([
      'Exemption e "gpu" is in force but carves nothing out of m1: it covers exports/chips/gpu, which m1 does not cover on 2020-04-01.',
    ]);
    expect(checkCategory(ledger.model, 's1', 'exports/chips/gpu', k('2020-04-01')).status).toBe('not-restricted');
  });
});
