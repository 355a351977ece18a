/**
 * "m restricts exports since D" gives the start of the stretch under way at
 * the time asked about, not the imposition's start: a subject removed and
 * named again, a subject named only later, and a restriction paused by an
 * exemption covering all of it each restrict again only from then.
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { checkCategory } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

function restrictionSentence(ledger: DecidedLedger, subjectId: string, at: string): string[] {
  const k = { at: Date.parse(at), asOfPosition: ledger.model.position };
  const answer = checkCategory(ledger.model, subjectId, 'exports', k);
  return explainCheck(ledger.model, answer, k)
    .filter((step) => step.kind === 'restriction')
    .map((step) => step.sentence);
}

describe('investigations/explain-since-stretch', () => {
  it('a subject removed in March and named again in May is restricted since May', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports'], '2020-01-01'));
    ledger.append({ type: 'RemoveSubjects', measureId: 'm1', subjects: ['s'], effectiveFrom: '2020-03-01' });
    ledger.append({ type: 'AddSubjects', measureId: 'm1', subjects: ['s'], effectiveFrom: '2020-05-01' });
    expect(restrictionSentence(ledger, 's', '2020-08-01')).toEqual(['m1 "m1" restricts exports since 2020-05-01.']);
    // Before the removal the stretch is the imposition's.
    expect(restrictionSentence(ledger, 's', '2020-02-01')).toEqual(['m1 "m1" restricts exports since 2020-01-01.']);
  });

  it('a subject added in July is restricted since July', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports'], '2020-01-01'));
    ledger.append({ type: 'AddSubjects', measureId: 'm1', subjects: ['l'], effectiveFrom: '2020-07-01' });
    expect(restrictionSentence(ledger, 'l', '2020-08-01')).toEqual(['m1 "m1" restricts exports since 2020-07-01.']);
    expect(restrictionSentence(ledger, 's', '2020-08-01')).toEqual(['m1 "m1" restricts exports since 2020-01-01.']);
  });

  it('a restriction paused February to March by an exemption covering all of it is restricted since March', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['x'], ['exports'], '2020-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e',
      title: 'whole',
      categories: ['exports'],
      effectiveFrom: '2020-02-01',
      effectiveUntil: '2020-03-01',
    });
    expect(restrictionSentence(ledger, 'x', '2020-08-01')).toEqual(['m1 "m1" restricts exports since 2020-03-01.']);
  });
});
