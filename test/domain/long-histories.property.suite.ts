/**
 * Versions of a long measure's history share their fact lists and subject
 * index (src/domain/fact-lists.ts, subject-changes.ts): a version notes what
 * it added and folds it in only past a bound. Over long random measures (many
 * more facts and subjects than those bounds), read as the read model and the
 * effective feed read them (the newest version after each write, and versions
 * as known at earlier positions, in and out of order, each extended from
 * another), every version answers as the measure resolved from scratch from
 * the same facts, and its recorded events are exactly those facts.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState, measureAsOf, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { modelAsOf } from '../../projections/model-as-of.js';
import { resolveMeasure } from '../../src/domain/resolve-measure.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { expectEqual } from '../support/expect-equal.js';
import { answersAt } from '../support/history-answers.js';

const DAY = 86_400_000;
const START = Date.UTC(2020, 0, 1);
const MEASURE = 'long';
const day = (n: number) => new Date(START + n * DAY).toISOString();

type Step = {
  kind: 'add' | 'remove' | 'grant' | 'broaden' | 'narrow' | 'revoke';
  n: number;
  from: number;
  span: number;
};

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('add', 'add', 'add', 'remove', 'grant', 'broaden', 'narrow', 'revoke'),
  n: fc.nat({ max: 599 }),
  from: fc.nat({ max: 30 }),
  span: fc.integer({ min: 1, max: 10 }),
});

/** A measure of many subjects, each step a valid event (a revocation names a grant made before it, if any). */
function ledgerOf(steps: Step[]): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  const grants: string[] = [];
  const push = (type: string, data: Record<string, unknown>) => {
    const position = events.length + 1;
    events.push({
      streamId: `measure-${MEASURE}`,
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type,
      data: { measureId: MEASURE, ...data },
      revision: BigInt(position - 1),
      position: BigInt(position),
      recordedAt: new Date(Date.UTC(2030, 0, 1) + position * 1000).toISOString(),
    });
  };
  push('RestrictionImposed', {
    title: 'long',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['s0'],
    categories: ['exports', 'services/base'],
    effectiveFrom: day(0),
  });
  for (const { kind, n, from, span } of steps) {
    const effectiveFrom = day(from);
    if (kind === 'add') push('SubjectsAdded', { subjects: [`s${n}`, `s${(n * 7) % 600}`], effectiveFrom });
    else if (kind === 'remove') push('SubjectsRemoved', { subjects: [`s${n}`], effectiveFrom });
    else if (kind === 'broaden') push('ScopeBroadened', { categories: [`services/c${n % 40}`], effectiveFrom });
    else if (kind === 'narrow') push('ScopeNarrowed', { remove: [`exports/r${n % 40}`], effectiveFrom });
    else if (kind === 'revoke' && grants.length) {
      push('ExemptionRevoked', { exemptionId: grants.splice(n % grants.length, 1)[0], effectiveFrom });
    } else {
      const exemptionId = `x${events.length}`;
      grants.push(exemptionId);
      push('ExemptionGranted', {
        exemptionId,
        title: 'licence',
        categories: [`exports/r${n % 40}`],
        ...(n % 3 === 0 ? { subjects: [`s${n}`] } : {}),
        effectiveFrom,
        effectiveUntil: day(from + span),
      });
    }
  }
  return events;
}

const probes = [0, 3, 9, 15, 22, 31, 45].map((n) => START + n * DAY - 1);

/** Asked at some valid times only (`lists` false), a version leaves its fact lists unbuilt: the next one notes more. */
function expectAsFresh(model: LedgerReadModel, position: bigint, lists = true) {
  const history = measureAsOf(model, MEASURE, position)!;
  const recorded = model.measures.get(MEASURE)!.facts.filter((f) => f.position <= position);
  const fresh = resolveMeasure(MEASURE, recorded);
  const view = (h: typeof fresh) => ({
    answers: probes.map((t) => answersAt(h, t)),
    mentioned: [...h.mentionedSubjects()].sort(),
    ...(lists
      ? { recorded: h.recorded.map((f) => f.eventId), facts: h.facts.map((f) => f.recorded.eventId) }
      : undefined),
  });
  expectEqual(view(history), view(fresh));
}

describe('domain/long-histories.property', () => {
  it('every version of a long measure answers as the measure resolved from scratch', () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary, { minLength: 300, maxLength: 500 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (steps, picks) => {
          const events = ledgerOf(steps);
          const model = initialState();
          let checked = 0;
          events.forEach((event, i) => {
            evolve(model, event);
            // The newest version, read after some writes: the next one extends it by one fact or by many.
            if (i % 41 === 0 || i % 17 === 5) expectAsFresh(model, model.position, i % 3 === 0);
            checked++;
          });
          // Versions as known at earlier positions, as a feed asks for them: forward, backward, and one after another.
          const positions = picks.map((p) => BigInt(1 + (p % events.length)));
          for (const position of [...positions, ...positions.map((p) => p + 1n), ...positions.map((p) => p + 70n)]) {
            const bounded = position > model.position ? model.position : position;
            expectAsFresh(modelAsOf(model, bounded), bounded);
          }
          expect(checked).toBe(events.length);
        },
      ),
      { numRuns: 8 },
    );
  });
});
