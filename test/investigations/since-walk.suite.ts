/**
 * Since when a restriction holds, as a check's explanation and a report state
 * it, where the walk back takes its short cuts: a measure with an imposed
 * category nothing ever exempts or narrows restricts wherever it names the
 * subject, so only the subject's own changes start a stretch; a narrowing
 * that takes that category out leaves the walk to look at the scope again; and
 * a change of categories many boundaries back is found through the runs the
 * walk asks in, whose edges must not skip one.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import '../support/fast-check-seed.js';
import { explainCheck } from '../../projections/explain.js';
import { lastBreak } from '../../projections/stretch-start.js';
import { checkCategory } from '../../projections/subject-queries.js';
import { reportAnswers } from '../../src/investigations/report.js';
import { MeasureHistory } from '../../src/domain/measure-history.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

const knowledge = (ledger: DecidedLedger, at: string) => ({ at: Date.parse(at), asOfPosition: ledger.model.position });

function restrictionSentence(ledger: DecidedLedger, subjectId: string, at: string): string[] {
  const k = knowledge(ledger, at);
  const answer = checkCategory(ledger.model, subjectId, 'exports', k);
  return explainCheck(ledger.model, answer, k)
    .filter((step) => step.kind === 'restriction')
    .map((step) => step.sentence);
}

function since(ledger: DecidedLedger, subjectId: string, at: string) {
  return reportAnswers(ledger.model, subjectId, knowledge(ledger, at), ['exports']).state.restricted.map((r) => ({
    measureId: r.measureId,
    restrictedSince: r.restrictedSince.slice(0, 10),
    categoriesSince: r.categoriesSince.slice(0, 10),
  }));
}

describe('investigations/since-walk', () => {
  const licence = (from: string, until: string) => ({
    type: 'GrantExemption' as const,
    measureId: 'm1',
    exemptionId: `e-${from}`,
    title: 'whole exports',
    categories: ['exports'],
    effectiveFrom: from,
    effectiveUntil: until,
  });

  it('a category no licence covers, removed in March, no longer bridges a licence of the rest in April', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports', 'services'], '2020-01-01'));
    ledger.append({ type: 'NarrowScope', measureId: 'm1', remove: ['services'], effectiveFrom: '2020-03-01' });
    ledger.append(licence('2020-04-01', '2020-05-01'));
    expect(restrictionSentence(ledger, 's', '2020-08-01')).toEqual([
      'm1 "m1" restricts exports, services since 2020-05-01.',
    ]);
    expect(since(ledger, 's', '2020-08-01')).toEqual([
      { measureId: 'm1', restrictedSince: '2020-05-01', categoriesSince: '2020-05-01' },
    ]);
    // Before the licence the stretch is the imposition's.
    expect(since(ledger, 's', '2020-03-15')).toEqual([
      { measureId: 'm1', restrictedSince: '2020-01-01', categoriesSince: '2020-03-01' },
    ]);
  });

  it('a scope narrowed to the licensed category in March is paused by the licence in April', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports', 'services'], '2020-01-01'));
    ledger.append({ type: 'NarrowScope', measureId: 'm1', narrowTo: ['exports'], effectiveFrom: '2020-03-01' });
    ledger.append(licence('2020-04-01', '2020-05-01'));
    expect(restrictionSentence(ledger, 's', '2020-08-01')).toEqual([
      'm1 "m1" restricts exports, services since 2020-05-01.',
    ]);
  });

  it('a category no licence ever covers keeps the stretch from the imposition through licences of others', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports', 'services'], '2020-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e',
      title: 'whole exports',
      categories: ['exports'],
      effectiveFrom: '2020-02-01',
      effectiveUntil: '2020-03-01',
    });
    ledger.append({ type: 'RemoveSubjects', measureId: 'm1', subjects: ['s'], effectiveFrom: '2020-04-01' });
    ledger.append({ type: 'AddSubjects', measureId: 'm1', subjects: ['s'], effectiveFrom: '2020-05-01' });
    expect(since(ledger, 's', '2020-03-15')).toEqual([
      { measureId: 'm1', restrictedSince: '2020-01-01', categoriesSince: '2020-03-01' },
    ]);
    expect(since(ledger, 's', '2020-08-01')).toEqual([
      { measureId: 'm1', restrictedSince: '2020-05-01', categoriesSince: '2020-05-01' },
    ]);
  });

  it('a change of categories behind forty boundaries that change nothing for the subject is found', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s', 'other'], ['exports'], '2020-01-01'));
    ledger.append({ type: 'NarrowScope', measureId: 'm1', remove: ['exports/arms'], effectiveFrom: '2020-02-01' });
    // Licences of another subject: each of their ends is a boundary of the measure, none changes anything for s.
    for (let day = 1; day <= 40; day++)
      ledger.append({
        type: 'GrantExemption',
        measureId: 'm1',
        exemptionId: `o${day}`,
        title: 'other',
        categories: ['exports'],
        subjects: ['other'],
        effectiveFrom: '2020-03-01',
        effectiveUntil: new Date(Date.UTC(2020, 3, day)).toISOString(),
      });
    expect(since(ledger, 's', '2020-08-01')).toEqual([
      { measureId: 'm1', restrictedSince: '2020-01-01', categoriesSince: '2020-02-01' },
    ]);
  });

  it('a long measure that restricts wherever it names the subject says since when without its scope at each instant', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports', 'services'], '2020-01-01'));
    for (let day = 1; day <= 150; day++) {
      const from = new Date(Date.UTC(2020, 1, day)).toISOString();
      ledger.append({ type: 'BroadenScope', measureId: 'm1', categories: [`services/c${day}`], effectiveFrom: from });
      ledger.append({
        ...licence(from, new Date(Date.UTC(2020, 1, day + 1)).toISOString()),
        categories: [`exports/x${day}`],
      });
    }
    const k = knowledge(ledger, '2021-01-01');
    const answer = checkCategory(ledger.model, 's', 'exports', k);
    const asked = [
      jest.spyOn(MeasureHistory.prototype, 'scopeCategoriesAt'),
      jest.spyOn(MeasureHistory.prototype, 'restrictedAt'),
    ];
    try {
      const sentence = explainCheck(ledger.model, answer, k).find((step) => step.kind === 'restriction')?.sentence;
      expect(sentence).toBe('m1 "m1" restricts exports, services since 2020-01-01.');
      // Asked at t (and at most a few more), not at each of the measure's 300 instants before it.
      expect(asked.map((spy) => spy.mock.calls.length <= 4)).toEqual([true, true]);
    } finally {
      for (const spy of asked) spy.mockRestore();
    }
  });

  it('lastBreak finds what a walk back one instant at a time finds', () => {
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.array(fc.nat(199), { maxLength: 3 }),
        fc.nat(200),
        fc.nat(200),
        (length, breaks, a, b) => {
          // Few breaks, anywhere: the walk asks in runs, and one just past a run's edge must not be skipped.
          const holds = Array.from({ length }, (_, i) => !breaks.includes(i));
          const instants = holds.map((_, i) => (i + 1) * 10);
          const [from, to] = [Math.min(a, b, length), Math.min(Math.max(a, b), length)];
          const holdsAt = (t: number) => holds[(t + 1) / 10 - 1]!;
          let expected: number | undefined;
          for (let i = to - 1; i >= from && expected === undefined; i--) if (!holds[i]) expected = i;
          expect(lastBreak(instants, from, to, holdsAt)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lastBreak finds one break wherever it sits among 300 instants, run edges included', () => {
    const instants = Array.from({ length: 300 }, (_, i) => (i + 1) * 10);
    for (let at = 0; at < 300; at++) {
      const found = lastBreak(instants, 0, 300, (t) => t !== instants[at]! - 1);
      expect({ at, found }).toEqual({ at, found: at });
    }
  });
});
