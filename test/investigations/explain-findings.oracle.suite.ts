/**
 * What the explanation oracle found, each reduced to its smallest history
 * (explain.oracle.suite.ts holds every sentence's citations since).
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { checkCategory } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { realise } from '../support/history-generator.js';

const ids = (events: { eventId: string }[]) => events.map((e) => e.eventId).sort();

describe('investigations/explain-findings.oracle', () => {
  // The measure's sentence gives the date the correction set, but cites only the event it corrected; a sentence about
  // an applying exemption cites both (and the check's basis holds both).
  it("a measure's sentence cites the correction its date comes from", () => {
    const events = realise([
      {
        kind: 'command',
        command: {
          type: 'ImposeRestriction',
          measureId: 'm1',
          title: 't',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['s1'],
          categories: ['x'],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
        },
      },
      { kind: 'correct', measureId: 'm1', pick: 0, shift: 1 },
    ]);
    const knowledge = { at: Date.UTC(2019, 1, 1), asOfPosition: 2n };
    const model = events.reduce(evolve, initialState());
    const explanation = explainCheck(model, checkCategory(model, 's1', 'x', knowledge), knowledge);
    const restriction = explanation.find((s) => s.kind === 'restriction')!;
    expect(restriction.sentence).toContain('since 2019-01-02');
    expect(ids(restriction.events)).toEqual(ids(events));
  });

  // A measure whose whole scope an exemption carves out for the subject: the last scope change's sentence says what the
  // scope "now covers" for it, and, that being nothing, says it with an empty list.
  it("a scope change's sentence never states an empty list of categories", () => {
    const from = '2019-01-01T00:00:00.000Z';
    const events = realise(
      [
        {
          type: 'ImposeRestriction',
          measureId: 'm1',
          title: 't',
          jurisdiction: 'US',
          authority: 'BIS',
          subjects: ['s1'],
          categories: ['x'],
          effectiveFrom: from,
        },
        { type: 'BroadenScope', measureId: 'm1', categories: ['y'], effectiveFrom: from },
        {
          type: 'GrantExemption',
          measureId: 'm1',
          exemptionId: 'e1',
          title: 'licence',
          categories: ['x', 'y'],
          effectiveFrom: from,
        },
      ].map((command) => ({ kind: 'command' as const, command: command as LedgerCommand })),
    );
    expect(events).toHaveLength(3);
    const knowledge = { at: Date.UTC(2019, 1, 1), asOfPosition: 3n };
    const model = events.reduce(evolve, initialState());
    const explanation = explainCheck(model, checkCategory(model, 's1', 'x', knowledge), knowledge);
    const scope = explanation.find((s) => s.kind === 'scope')!;
    expect(scope.sentence).not.toMatch(/covers {2}for/);
  });
});
