/**
 * A category carved out of a measure twice on one day: a licence on it and a
 * narrowing that removes it from the scope (the licence recorded first, while
 * the category was still in scope). Each alone ends its restriction, so
 * neither is a cause by that test; but the narrowing, left out alone, changes
 * nothing for the subject at that instant or just before (the licence still
 * carves the category out, and it is exempt either way), and such an event is
 * never a cause (DOMAIN.md "Replay and explanations"). The licence, left out,
 * changes what became exempt: it is the step's one cause, and by the whole
 * state, the cause the timeline credits with the restricted set's change.
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject } from '../../projections/replay.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';

const DAY = '2019-06-01T00:00:00.000Z';
const oracle = new Oracle(UNIVERSE);

function written() {
  const ledger = new DecidedLedger();
  ledger.append(imposition('m', ['s'], ['x'], '2019-01-01'));
  const granted = ledger.append({
    type: 'GrantExemption',
    measureId: 'm',
    exemptionId: 'e',
    title: 'licence',
    categories: ['x/y'],
    effectiveFrom: DAY,
  });
  const narrowed = ledger.append({ type: 'NarrowScope', measureId: 'm', remove: ['x/y'], effectiveFrom: DAY });
  return { ledger, granted, narrowed };
}

describe('investigations/overdetermined-narrowing', () => {
  it('by the oracle, leaving out the narrowing changes nothing for the subject, and leaving out the licence does', () => {
    const { ledger, granted, narrowed } = written();
    const log = oracleLog(ledger.events);
    const t = Date.parse(DAY);
    const states = (without?: string) =>
      [t - 1, t].map((u) => Oracle.union(oracle.answer(without ? Oracle.without(log, without) : log, 's', u, 99)));
    expect(states(narrowed.eventId)).toEqual(states());
    expect(states(granted.eventId)[1]).toMatchObject({ exempt: [] });
    expect(states()[1]).toMatchObject({ exempt: [...oracle.expand(['x/y'])].sort() });
    // Without either, the category is still no longer restricted: neither alone decides the restricted set.
    for (const without of [granted.eventId, narrowed.eventId])
      expect(states(without)[1]!.restricted).toEqual(states()[1]!.restricted);
  });

  it('replay in valid order credits the licence alone with the change of that day', () => {
    const { ledger, granted } = written();
    const step = replaySubject(ledger.model, 's', { order: 'valid', asOfPosition: ledger.model.position }).steps.find(
      (s) => s.effectiveAt === DAY,
    )!;
    expect(step.changes.stopped.restricted).toEqual({ categories: ['x/y'], except: [] });
    expect(step.changes.became.exempt).toEqual({ categories: ['x/y'], except: [] });
    expect(step.causes.map((c) => c.eventId)).toEqual([granted.eventId]);
  });

  it('the timeline credits the same licence where the category stops being restricted', () => {
    const { ledger, granted } = written();
    const interval = subjectTimeline(ledger.model, 's', ledger.model.position).intervals.find((i) => i.from === DAY)!;
    expect(interval.changes.map((c) => c.eventId)).toEqual([granted.eventId]);
  });
});
