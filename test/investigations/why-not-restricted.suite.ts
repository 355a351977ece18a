/**
 * A check answering "not restricted" because a measure that covered the
 * category for the subject no longer does (or does not yet) names that
 * measure, why, and the events that decide it: in `notRestricting`, in the
 * verdict's basis and in the explanation, as an exemption's "not" already was.
 * Without them an auditor asking why a category is free on a date had nothing
 * to cite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { checkCategory } from '../../projections/subject-queries.js';
import { reportAnswers } from '../../src/investigations/report.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { DecidedLedger } from '../support/decided-ledger.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

const S = 'acme';
const IMPOSED = '2020-01-01T00:00:00.000Z';
const CHANGED = '2020-02-01T00:00:00.000Z';
const LATER = '2020-04-01T00:00:00.000Z';
const AT = Date.parse('2020-03-01T00:00:00.000Z');

const impose = (overrides: Partial<Extract<LedgerCommand, { type: 'ImposeRestriction' }>> = {}): LedgerCommand => ({
  type: 'ImposeRestriction',
  measureId: 'm',
  title: 'Entity List',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: [S],
  categories: ['exports'],
  effectiveFrom: IMPOSED,
  citation: '84 FR 22961',
  ...overrides,
});

/** A ledger of these commands, and the check of a category for S at 2020-03-01 as known at its head, explained. */
function checked(commands: LedgerCommand[], category = 'exports/chips', at = AT) {
  const ledger = new DecidedLedger();
  const events = commands.map((command) => ledger.append(command));
  const k = { at, asOfPosition: ledger.model.position };
  const answer = checkCategory(ledger.model, S, category, k);
  return { events, answer, explanation: explainCheck(ledger.model, answer, k) };
}

const ids = (entries: { eventId: string }[]) => entries.map((e) => e.eventId);
const idsOf = (...events: LoggedEvent[]) => events.map((e) => e.eventId);
const sentenceOf = (explanation: ReturnType<typeof checked>['explanation']) =>
  explanation.filter((s) => s.kind === 'not-restricting').map((s) => s.sentence);

describe('investigations/why-not-restricted', () => {
  describe('a measure that covered the category and no longer does decides the "not"', () => {
    it('narrowed to leave the category out: the narrowing, with its citation', () => {
      const { events, answer, explanation } = checked([
        impose(),
        { type: 'NarrowScope', measureId: 'm', remove: ['exports/chips'], effectiveFrom: CHANGED, citation: '85 FR 1' },
      ]);
      expect(answer.status).toBe('not-restricted');
      expect(answer.measures).toEqual([]);
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-narrowed', on: CHANGED, citation: '84 FR 22961' }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(...events));
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: its scope was narrowed on 2020-02-01 (85 FR 1) to leave out exports/chips.',
      ]);
      const verdict = explanation.at(-1)!;
      expect(verdict.kind).toBe('verdict');
      expect(ids(verdict.events)).toEqual(idsOf(...events));
    });

    it('narrowed to other categories only: says to what', () => {
      const { answer, explanation } = checked([
        impose(),
        { type: 'NarrowScope', measureId: 'm', narrowTo: ['exports/software'], effectiveFrom: CHANGED },
      ]);
      expect(answer.notRestricting.map((m) => m.reason)).toEqual(['scope-narrowed']);
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: its scope was narrowed on 2020-02-01 to exports/software only.',
      ]);
    });

    it('lifted: the lifting', () => {
      const { events, answer, explanation } = checked([
        impose(),
        { type: 'LiftRestriction', measureId: 'm', effectiveFrom: CHANGED, citation: '85 FR 2' },
      ]);
      expect(answer.status).toBe('not-restricted');
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'lifted', on: CHANGED })]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: it was lifted on 2020-02-01 (85 FR 2).',
      ]);
    });

    it('the subject removed from it: the removal', () => {
      const { events, answer, explanation } = checked([
        impose({ subjects: [S, 'other'] }),
        { type: 'RemoveSubjects', measureId: 'm', subjects: [S], effectiveFrom: CHANGED },
      ]);
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'subject-removed', on: CHANGED })]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: acme was removed from it on 2020-02-01.',
      ]);
    });

    it('ended at its effectiveUntil: the imposition that set it', () => {
      const { events, answer, explanation } = checked([impose({ effectiveUntil: CHANGED })]);
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'ended', on: CHANGED })]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: it ended on 2020-02-01.',
      ]);
    });

    it('an exemption, for comparison, was already named with its events (and is not named again here)', () => {
      const { events, answer } = checked([
        impose(),
        {
          type: 'GrantExemption',
          measureId: 'm',
          exemptionId: 'e',
          title: 'licence',
          categories: ['exports/chips'],
          effectiveFrom: CHANGED,
        },
      ]);
      expect(answer.status).toBe('not-restricted');
      expect(answer.measures.map((m) => m.measureId)).toEqual(['m']);
      expect(answer.exemptions.map((e) => e.exemptionId)).toEqual(['e']);
      expect(answer.notRestricting).toEqual([]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
    });
  });

  describe('a measure that covers the category only later decides the "not" too', () => {
    it('not yet in force (announced: also pending, with no legal effect)', () => {
      const { events, answer, explanation } = checked([impose({ effectiveFrom: LATER, announcedAt: CHANGED })]);
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'begins', on: LATER })]);
      expect(answer.pending.map((p) => p.kind)).toEqual(['imposition']);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: it begins on 2020-04-01.',
      ]);
    });

    it('naming the subject only later: the addition', () => {
      const { events, answer, explanation } = checked([
        impose({ subjects: ['other'] }),
        { type: 'AddSubjects', measureId: 'm', subjects: [S], effectiveFrom: LATER, citation: '85 FR 3' },
      ]);
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'subject-added-later', on: LATER })]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: it names acme only from 2020-04-01 (85 FR 3).',
      ]);
    });

    it('broadened to the category only later: the broadening', () => {
      const { events, answer, explanation } = checked([
        impose({ categories: ['imports'] }),
        { type: 'BroadenScope', measureId: 'm', categories: ['exports'], effectiveFrom: LATER },
      ]);
      expect(answer.measures).toEqual([]);
      expect(answer.notRestricting).toEqual([expect.objectContaining({ reason: 'scope-broadened-later', on: LATER })]);
      expect(ids(answer.basis)).toEqual(idsOf(...events));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: its scope reaches exports/chips only from 2020-04-01, broadened then to add exports.',
      ]);
    });
  });

  describe('the part of the category left free at T decides, read only while the measure is in force and names S', () => {
    const day = (date: string) => `${date}T00:00:00.000Z`;
    const narrow = (remove: string[], effectiveFrom: string): LedgerCommand => ({
      type: 'NarrowScope',
      measureId: 'm',
      remove,
      effectiveFrom: day(effectiveFrom),
    });
    const broaden = (categories: string[], effectiveFrom: string): LedgerCommand => ({
      type: 'BroadenScope',
      measureId: 'm',
      categories,
      effectiveFrom: day(effectiveFrom),
    });
    const other = impose({ measureId: 'm2', title: 'Other', categories: ['exports/cars'] });

    it('narrowed twice: the narrowing that freed the free part, not the later one of what another measure restricts', () => {
      const { events, answer, explanation } = checked(
        [
          impose({ categories: ['imports', 'exports/chips', 'exports/cars'] }),
          narrow(['exports/chips'], '2020-02-01'),
          narrow(['exports/cars'], '2020-03-01'),
          other,
        ],
        'exports',
        Date.parse(LATER),
      );
      expect(answer.status).toBe('partially-restricted');
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-narrowed', on: day('2020-02-01') }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(events[0]!, events[1]!));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports for acme on 2020-04-01: its scope was narrowed on 2020-02-01 to leave out exports/chips.',
      ]);
    });

    it('broadened twice: the broadening that first reaches the free part, not the earlier one to what another restricts', () => {
      const { events, answer, explanation } = checked(
        [
          impose({ categories: ['imports'] }),
          broaden(['exports/cars'], '2020-06-01'),
          broaden(['exports/chips'], '2020-08-01'),
          other,
        ],
        'exports',
      );
      expect(answer.status).toBe('partially-restricted');
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-broadened-later', on: day('2020-08-01') }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(events[0]!, events[2]!));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports for acme on 2020-03-01: its scope reaches exports only from 2020-08-01, broadened then to add exports/chips.',
      ]);
    });

    it('a narrowing effective before the measure is in force frees nothing: the later broadening decides', () => {
      const { events, answer } = checked(
        [
          impose({ categories: ['exports', 'imports'], effectiveFrom: day('2020-06-01') }),
          narrow(['exports/chips'], '2020-05-01'),
          broaden(['exports/chips'], '2020-08-01'),
        ],
        'exports/chips',
        Date.parse(day('2020-07-01')),
      );
      expect(answer.status).toBe('not-restricted');
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-broadened-later', on: day('2020-08-01') }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(events[0]!, events[2]!));
    });

    it('a broadening made while S is not named: dated from when the measure first restricts the category for S', () => {
      const { events, answer, explanation } = checked([
        impose({ subjects: [S, 'other'], categories: ['exports/cars'] }),
        { type: 'RemoveSubjects', measureId: 'm', subjects: [S], effectiveFrom: day('2020-04-01') },
        broaden(['exports/chips'], '2020-05-01'),
        { type: 'AddSubjects', measureId: 'm', subjects: [S], effectiveFrom: day('2020-06-01') },
      ]);
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-broadened-later', on: day('2020-06-01') }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(events[0]!, events[2]!));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: its scope reaches exports/chips for acme only from 2020-06-01, broadened on 2020-05-01 to add exports/chips.',
      ]);
    });

    it('two narrowings at one instant: only the one that left the category out is cited', () => {
      const { events, answer, explanation } = checked([
        impose({ categories: ['exports/chips', 'exports/cars', 'imports'] }),
        narrow(['exports/chips'], '2020-02-01'),
        narrow(['exports/cars'], '2020-02-01'),
      ]);
      expect(answer.notRestricting).toEqual([
        expect.objectContaining({ measureId: 'm', reason: 'scope-narrowed', on: CHANGED }),
      ]);
      expect(ids(answer.notRestricting[0]!.basis)).toEqual(idsOf(events[0]!, events[1]!));
      expect(ids(answer.basis)).toEqual(idsOf(events[0]!, events[1]!));
      expect(sentenceOf(explanation)).toEqual([
        'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: its scope was narrowed on 2020-02-01 to leave out exports/chips.',
      ]);
    });
  });

  describe('what decides nothing is not named', () => {
    it('a measure whose imposition was retracted: a retracted event decides nothing, and the explanation tells it', () => {
      const ledger = new DecidedLedger();
      const imposed = ledger.append(impose());
      const retraction = ledger.append({
        type: 'RetractEntry',
        measureId: 'm',
        eventId: imposed.eventId,
        reason: 'recorded by mistake',
      });
      const k = { at: AT, asOfPosition: ledger.model.position };
      const answer = checkCategory(ledger.model, S, 'exports/chips', k);
      expect(answer.notRestricting).toEqual([]);
      expect(answer.basis).toEqual([]);
      // Not a "not" (as known, it never was in force), but recorded once and then retracted: told on those two events.
      const explanation = explainCheck(ledger.model, answer, k);
      expect(explanation.map((s) => [s.kind, s.measureId, s.events.map((e) => e.eventId)])).toEqual([
        ['retraction', 'm', [imposed.eventId, retraction.eventId]],
        ['verdict', undefined, []],
      ]);
    });

    it('a measure that never covered the category, or another that restricts it whole', () => {
      const { answer } = checked([
        impose({ categories: ['imports'] }),
        impose({ measureId: 'n', categories: ['exports'] }),
        { type: 'LiftRestriction', measureId: 'm', effectiveFrom: CHANGED },
        impose({ measureId: 'o', categories: ['exports/chips'] }),
        { type: 'LiftRestriction', measureId: 'o', effectiveFrom: CHANGED },
      ]);
      expect(answer.status).toBe('restricted');
      expect(answer.notRestricting).toEqual([]);
      expect(answer.basis.map((b) => b.type)).toEqual(['RestrictionImposed']);
    });

    it('a lifted measure that covered only the part another still restricts', () => {
      const { answer } = checked(
        [
          impose({ categories: ['exports/chips'] }),
          { type: 'LiftRestriction', measureId: 'm', effectiveFrom: CHANGED },
          impose({ measureId: 'n', categories: ['exports/chips'] }),
          impose({ measureId: 'o', categories: ['exports/software'] }),
          { type: 'LiftRestriction', measureId: 'o', effectiveFrom: CHANGED },
        ],
        'exports',
      );
      expect(answer.status).toBe('partially-restricted');
      // m covered only exports/chips, which n restricts: only o decides the part not restricted.
      expect(answer.notRestricting.map((m) => [m.measureId, m.reason])).toEqual([['o', 'lifted']]);
    });

    it('before the narrowing was recorded, the category was restricted as known then', () => {
      const ledger = new DecidedLedger();
      ledger.append(impose());
      ledger.append({ type: 'NarrowScope', measureId: 'm', remove: ['exports/chips'], effectiveFrom: CHANGED });
      const answer = checkCategory(ledger.model, S, 'exports/chips', { at: AT, asOfPosition: 1n });
      expect(answer.status).toBe('restricted');
      expect(answer.notRestricting).toEqual([]);
    });
  });

  it("a report's verdict gives the same sentence, with its events", () => {
    const ledger = new DecidedLedger();
    const events = [
      impose(),
      { type: 'LiftRestriction', measureId: 'm', effectiveFrom: CHANGED, citation: '85 FR 2' } as const,
    ].map((command) => ledger.append(command));
    const { verdicts } = reportAnswers(ledger.model, S, { at: AT, asOfPosition: ledger.model.position }, [
      'exports/chips',
    ]);
    const step = verdicts[0]!.explanation.find((s) => s.kind === 'not-restricting')!;
    expect(step.sentence).toBe(
      'm "Entity List" (84 FR 22961) does not restrict exports/chips for acme on 2020-03-01: it was lifted on 2020-02-01 (85 FR 2).',
    );
    expect(ids(step.events)).toEqual(idsOf(...events));
  });

  describe('over HTTP', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      for (const command of [
        impose(),
        { type: 'NarrowScope', measureId: 'm', remove: ['exports/chips'], effectiveFrom: CHANGED },
      ])
        await t.http.post('/v1/commands').set(bearer('writer')).send(command).expect(201);
    });
    afterAll(() => t.close());

    it('the check answer names the measure, why and its basis, as the OpenAPI document states them', async () => {
      const { body } = await t.http
        .get(`/v1/subjects/${S}/check?category=exports/chips&at=2020-03-01`)
        .set(bearer('reader'))
        .expect(200);
      expect(body.status).toBe('not-restricted');
      expect(body.notRestricting).toEqual([
        {
          measureId: 'm',
          title: 'Entity List',
          citation: '84 FR 22961',
          reason: 'scope-narrowed',
          on: CHANGED,
          basis: [
            expect.objectContaining({ type: 'RestrictionImposed', citation: '84 FR 22961' }),
            expect.objectContaining({ type: 'ScopeNarrowed' }),
          ],
        },
      ]);
      expect(body.basis.map((b: { type: string }) => b.type)).toEqual(['RestrictionImposed', 'ScopeNarrowed']);
      expect(body.explanation.map((s: { kind: string }) => s.kind)).toEqual(['not-restricting', 'verdict']);
    });
  });
});
