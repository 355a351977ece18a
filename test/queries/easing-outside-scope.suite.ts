/**
 * An announced easing can ease only what its measure covers: once a narrowing takes the categories it names out of
 * the scope, it is relief of nothing. The state, the measure view, checks and their explanations no longer list it
 * as pending (as an exemption wholly outside the scope carves nothing); a broadening that brings its categories back
 * makes it pending again. An easing naming no categories eases the whole measure and stays pending.
 */
import { describe, expect, it } from '@jest/globals';
import { explainCheck } from '../../projections/explain.js';
import { measureView } from '../../projections/measure-view.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('queries/easing-outside-scope', () => {
  /**
   * m1 restricts exports for s1 from 2020-01-01; an easing of exports/chips is announced on 2020-02-01 and a lifting
   * of the whole measure on 2020-02-10; exports/chips is taken out of the scope on 2020-03-01 and brought back on
   * 2020-05-01.
   */
  function ledger() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1'], ['exports'], '2020-01-01'));
    const announce = (announcementId: string, announcedAt: string, categories?: string[]): LedgerCommand => ({
      type: 'AnnounceEasing',
      measureId: 'm1',
      announcementId,
      statement: `${announcementId} to be allowed`,
      announcedAt,
      ...(categories ? { categories } : {}),
    });
    ledger.append(announce('chips', '2020-02-01', ['exports/chips']));
    ledger.append(announce('lift', '2020-02-10'));
    ledger.append({ type: 'NarrowScope', measureId: 'm1', remove: ['exports/chips'], effectiveFrom: '2020-03-01' });
    ledger.append({
      type: 'BroadenScope',
      measureId: 'm1',
      categories: ['exports/chips'],
      effectiveFrom: '2020-05-01',
    });
    return { model: ledger.model, k: (day: string) => ({ at: Date.parse(day), asOfPosition: ledger.model.position }) };
  }
  const ids = (pending: { announcementId: string | null }[]) => pending.map((p) => p.announcementId);

  it('is pending while its measure covers what it names', () => {
    const { model, k } = ledger();
    expect(ids(subjectState(model, 's1', k('2020-02-15')).pending)).toEqual(['chips', 'lift']);
    expect(ids(checkCategory(model, 's1', 'exports/chips', k('2020-02-15')).pending)).toEqual(['chips', 'lift']);
    expect(ids(measureView(model, 'm1', k('2020-02-15'))!.pending)).toEqual(['chips', 'lift']);
  });

  it('is pending nowhere once a narrowing takes what it names out of the scope; a whole-measure easing stays', () => {
    const { model, k } = ledger();
    expect(ids(subjectState(model, 's1', k('2020-04-01')).pending)).toEqual(['lift']);
    expect(ids(measureView(model, 'm1', k('2020-04-01'))!.pending)).toEqual(['lift']);
    for (const category of ['exports', 'exports/chips']) {
      const check = checkCategory(model, 's1', category, k('2020-04-01'));
      expect(ids(check.pending)).toEqual(category === 'exports' ? ['lift'] : []);
      const sentences = explainCheck(model, check, k('2020-04-01')).map((s) => s.sentence);
      expect(sentences.join(' ')).not.toContain('chips to be allowed');
    }
  });

  it('is pending again once a broadening brings what it names back into the scope', () => {
    const { model, k } = ledger();
    expect(ids(subjectState(model, 's1', k('2020-06-01')).pending)).toEqual(['chips', 'lift']);
    expect(ids(checkCategory(model, 's1', 'exports/chips', k('2020-06-01')).pending)).toEqual(['chips', 'lift']);
    expect(ids(measureView(model, 'm1', k('2020-06-01'))!.pending)).toEqual(['chips', 'lift']);
  });
});
