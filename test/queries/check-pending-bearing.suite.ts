/**
 * A pending item in a check answers "something announced may change this category's restriction": an announcement
 * is listed in a check of a category only where its measure's scope at `at` overlaps the category (and, when the
 * announcement names categories, they do too). A measure that does not cover the category lists nothing there, its
 * whole-measure easing (an announced lifting) included; the state, about the whole subject, lists it
 * (docs/domain.md "Pending").
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainCheck } from '../../projections/explain.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { HISTORIES, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';

const oracle = new Oracle(UNIVERSE);

describe('queries/check-pending-bearing', () => {
  const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

  /**
   * m1 restricts exports for s1 from 2020-01-01, a lifting of it announced 2020-02-01; m2 restricts imports for s1
   * from 2020-01-01, m3 (announced 2020-01-15) will restrict finance for s1 from 2020-06-01, with its own lifting
   * announced 2020-03-01.
   */
  function ledger() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['exports'], '2020-01-01'));
    ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId: 'lift',
      statement: 'm1 to be lifted',
      announcedAt: '2020-02-01',
    });
    ledger.append(imposition('m2', ['s1'], ['imports'], '2020-01-01'));
    ledger.append({
      ...imposition('m3', ['s1'], ['finance'], '2020-06-01'),
      announcedAt: '2020-01-15',
    } as LedgerCommand);
    ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm3',
      announcementId: 'lift3',
      statement: 'm3 to be lifted before it takes effect',
      announcedAt: '2020-03-01',
    });
    return { ledger, k: (day: string) => ({ at: at(day), asOfPosition: ledger.model.position }) };
  }
  const listed = (pending: { measureId: string; announcementId: string | null }[]) =>
    pending.map((p) => `${p.measureId}/${p.announcementId ?? 'imposition'}`);

  it("a whole-measure easing is not pending in a check of a category outside its measure's scope", () => {
    const { ledger: l, k } = ledger();
    const check = checkCategory(l.model, 's1', 'imports', k('2020-04-01'));
    expect(check.status).toBe('restricted');
    expect(listed(check.pending)).toEqual([]);
    const sentences = explainCheck(l.model, check, k('2020-04-01')).map((s) => s.sentence);
    expect(sentences.join(' ')).not.toContain('m1 to be lifted');
  });

  it('is pending in a check of a category its measure covers, and in the state of the whole subject', () => {
    const { ledger: l, k } = ledger();
    expect(listed(checkCategory(l.model, 's1', 'exports/chips', k('2020-04-01')).pending)).toEqual(['m1/lift']);
    expect(listed(checkCategory(l.model, 's1', 'exports', k('2020-01-15')).pending)).toEqual([]);
    expect(listed(subjectState(l.model, 's1', k('2020-04-01')).pending)).toEqual([
      'm1/lift',
      'm3/imposition',
      'm3/lift3',
    ]);
  });

  it('a measure not yet in force bears on the categories it will come into force with: its imposition and easing', () => {
    const { ledger: l, k } = ledger();
    expect(listed(checkCategory(l.model, 's1', 'finance', k('2020-04-01')).pending)).toEqual([
      'm3/imposition',
      'm3/lift3',
    ]);
    expect(listed(checkCategory(l.model, 's1', 'exports', k('2020-04-01')).pending)).toEqual(['m1/lift']);
  });

  it('an easing naming categories is pending only where they overlap the category and its measure covers it', () => {
    const l = new DecidedLedger();
    l.append(imposition('m1', ['s1'], ['exports/chips', 'exports/tools'], '2020-01-01'));
    l.append({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId: 'spares',
      statement: 'spares to be allowed',
      announcedAt: '2020-02-01',
      categories: ['exports'],
    });
    const k = { at: at('2020-03-01'), asOfPosition: l.model.position };
    expect(listed(checkCategory(l.model, 's1', 'exports/tools', k).pending)).toEqual(['m1/spares']);
    expect(listed(checkCategory(l.model, 's1', 'exports', k).pending)).toEqual(['m1/spares']);
    // Inside the easing's categories but outside the measure's scope: nothing of m1 can change there.
    expect(listed(checkCategory(l.model, 's1', 'exports/software', k).pending)).toEqual([]);
  });

  it.each([
    // The least each side of the rule occurs, about half of what the fixed seed gives.
    { shape: 'default', runs: 20, least: { listed: 600, leftOut: 1000 } },
    { shape: 'wide', runs: 12, least: { listed: 1000, leftOut: 1900 } },
  ] as const)(
    'lists what the oracle lists as pending in a check, at every instant of $shape histories and every category',
    ({ shape, runs, least }) => {
      let listedSomewhere = 0;
      let leftOutSomewhere = 0;
      fc.assert(
        fc.property(HISTORIES[shape], fc.nat(), (events, prefix) => {
          const model = events.reduce(evolve, initialState());
          const log = oracleLog(events);
          const k = prefix % 3 ? events.length : prefix % (events.length + 1);
          const standing = oracle.standing(log, k);
          const actual: unknown[] = [];
          const expected: unknown[] = [];
          for (const at of Oracle.instants(log).flatMap((t) => [t - 1, t])) {
            for (const subject of SUBJECTS) {
              const all = oracle.answerFrom(standing, subject, at).pending;
              for (const category of UNIVERSE) {
                const check = checkCategory(model, subject, category, { at, asOfPosition: BigInt(k) });
                const truth = oracle.checkPending(standing, subject, category, at);
                actual.push({ subject, at, category, pending: listed(check.pending).sort() });
                expected.push({ subject, at, category, pending: truth });
                listedSomewhere += truth.length;
                leftOutSomewhere += all.size - truth.length;
              }
            }
          }
          expect(actual).toEqual(expected);
        }),
        { numRuns: runs },
      );
      // Both sides of the rule occur: items listed in a check, and items of the subject's state left out of one.
      expect(listedSomewhere).toBeGreaterThan(least.listed);
      expect(leftOutSomewhere).toBeGreaterThan(least.leftOut);
    },
    120_000,
  );
});
