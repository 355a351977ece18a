/**
 * A timeline interval's `changes` are the events that cause what became or
 * stopped being restricted at its start (DOMAIN.md "What a query answers").
 * Where no single event does (a subject removed twice on one day), they are
 * looked for among the events that bear on those very categories: not an
 * easing announced that day, which has no legal effect and changes only what
 * is pending, nor a licence on other categories that stay restricted by
 * another measure; the two removals are credited together. Two amendments
 * that each end a licence on the same day are credited together too, though
 * one of them also took out of the licence a category its measure does not
 * restrict.
 */
import { describe, expect, it } from '@jest/globals';
import { subjectTimeline, type TimelineInterval } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { UNIVERSE } from '../support/history-generator.js';
import { causeOracle } from '../support/oracle-causes.js';
import { Oracle, oracleLog } from '../support/oracle.js';

const DAY = '2019-06-01T00:00:00.000Z';
const oracle = new Oracle(UNIVERSE);

/** The events the interval credits, and whether each makes a difference by the naive oracle (oracle-causes.ts). */
function credited(ledger: DecidedLedger, interval: TimelineInterval) {
  const log = oracleLog(ledger.events);
  const o = causeOracle(oracle, log, 's', ledger.events.length);
  const measureOf = new Map(log.map((e) => [e.eventId, e.measureId]));
  const causes = interval.changes.map((c) => ({ ...c, measureId: measureOf.get(c.eventId)!, role: 'starts' as const }));
  return causes
    .map((c) => ({
      eventId: c.eventId,
      differs: o.makesADifference(c, Date.parse(interval.from), 'restricted', causes),
    }))
    .sort((a, b) => a.eventId.localeCompare(b.eventId));
}
const each = (ids: string[]) => [...ids].sort().map((eventId) => ({ eventId, differs: true }));

/** `s` is restricted on `x` by `m` and removed from it twice on DAY, with `also` recorded for that day too. */
function written(also: (ledger: DecidedLedger) => void) {
  const ledger = new DecidedLedger();
  ledger.append(imposition('m', ['s'], ['x'], '2019-01-01'));
  ledger.append(imposition('n', ['s'], ['y'], '2019-01-01'));
  ledger.append(imposition('o', ['s'], ['y'], '2019-01-01'));
  const removals = [1, 2].map(
    () => ledger.append({ type: 'RemoveSubjects', measureId: 'm', subjects: ['s'], effectiveFrom: DAY }).eventId,
  );
  also(ledger);
  const interval = subjectTimeline(ledger.model, 's', ledger.model.position).intervals.find((i) => i.from === DAY)!;
  return { removals, credits: credited(ledger, interval) };
}

describe('investigations/timeline-causes-in-categories', () => {
  it('an easing announced that day in another measure is no cause of the end of a restriction', () => {
    const { removals, credits } = written((ledger) =>
      ledger.append({
        type: 'AnnounceEasing',
        measureId: 'n',
        announcementId: 'a',
        statement: 'y to be eased',
        announcedAt: DAY,
      }),
    );
    expect(credits).toEqual(each(removals));
  });

  it('nor is a licence that day on categories another measure keeps restricted', () => {
    const { removals, credits } = written((ledger) =>
      ledger.append({
        type: 'GrantExemption',
        measureId: 'n',
        exemptionId: 'e',
        title: 'licence',
        categories: ['y'],
        effectiveFrom: DAY,
      }),
    );
    expect(credits).toEqual(each(removals));
  });

  it('two amendments that each end a licence that day are credited together, whatever else one of them changed', () => {
    const END = '2019-06-01T00:00:00.000Z';
    const ledger = new DecidedLedger();
    ledger.append(imposition('m', ['s'], ['x'], '2019-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm',
      exemptionId: 'e',
      title: 'licence',
      categories: ['x/y', 'y'],
      effectiveFrom: '2019-02-01',
    });
    const ends = [
      ledger.append({
        type: 'AmendExemption',
        measureId: 'm',
        exemptionId: 'e',
        effectiveFrom: '2019-03-01',
        effectiveUntil: END,
      }),
      ledger.append({
        type: 'AmendExemption',
        measureId: 'm',
        exemptionId: 'e',
        effectiveFrom: '2019-04-01',
        effectiveUntil: END,
        removeCategories: ['y'],
      }),
    ].map((e) => e.eventId);
    const interval = subjectTimeline(ledger.model, 's', ledger.model.position).intervals.find((i) => i.from === END)!;
    expect(credited(ledger, interval)).toEqual(each(ends));
  });
});
