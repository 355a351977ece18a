/**
 * A replay step can change more than one aspect at once: the restricted set and the pending set. Each changed aspect
 * is credited to the events that changed it, and the step's causes are them all: a subject removed by two events at
 * the same instant (no single one makes a difference, so both are credited) is not passed over because an easing
 * announced in another measure that instant makes a difference alone (docs/domain.md "Causes when no single event
 * makes a difference").
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject } from '../../projections/replay.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { UNIVERSE } from '../support/history-generator.js';
import { causeOracle } from '../support/oracle-causes.js';
import { Oracle, oracleLog } from '../support/oracle.js';

describe('investigations/mixed-step-causes', () => {
  /** m1 restricts exports for s1 and m2 imports, from 2020-01-01; on 2020-03-01 m1 removes s1 twice and m2 announces an easing. */
  function ledger() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s1', 's2'], ['exports'], '2020-01-01'));
    ledger.append(imposition('m2', ['s1'], ['imports'], '2020-01-01'));
    const removals = [1, 2].map(() =>
      ledger.append({ type: 'RemoveSubjects', measureId: 'm1', subjects: ['s1'], effectiveFrom: '2020-03-01' }),
    );
    const announced = ledger.append({
      type: 'AnnounceEasing',
      measureId: 'm2',
      announcementId: 'a1',
      statement: 'imports of spares to be allowed',
      announcedAt: '2020-03-01',
    });
    return { ledger, removals, announced };
  }

  const stepOn = (l: DecidedLedger, day: string) =>
    replaySubject(l.model, 's1', { order: 'valid', asOfPosition: l.model.position }).steps.find(
      (s) => s.effectiveAt === `${day}T00:00:00.000Z`,
    )!;

  it('credits both removals with what stopped being restricted, beside the announcement credited with what became pending', () => {
    const { ledger: l, removals, announced } = ledger();
    const step = stepOn(l, '2020-03-01');
    expect(step.changes.stopped.restricted.categories).toEqual(['exports']);
    expect(step.changes.became.pending).toEqual(['m2/a1']);
    expect(step.causes.map((c) => c.eventId).sort()).toEqual(
      [...removals.map((r) => r.eventId), announced.eventId].sort(),
    );
    // Several causes: the step is no one event.
    expect(step.eventId).toBeNull();
  });

  it('a change of one aspect alone keeps its causes: the removals together, the announcement alone', () => {
    const { ledger: l, removals, announced } = ledger();
    l.append({
      type: 'WithdrawAnnouncement',
      measureId: 'm2',
      announcementId: 'a1',
      withdrawnAt: '2020-03-01',
    });
    const step = stepOn(l, '2020-03-01');
    expect(step.changes.became.pending).toEqual([]);
    expect(step.causes.map((c) => c.eventId).sort()).toEqual(removals.map((r) => r.eventId).sort());
    expect(announced.eventId).toBeDefined();
  });

  it('the oracle holds the same rule: every changed part credited, every cause changing some part', () => {
    const l = new DecidedLedger();
    l.append(imposition('m1', ['s1', 's2'], ['x'], '2020-01-01'));
    l.append(imposition('m2', ['s1'], ['y'], '2020-01-01'));
    for (const _ of [1, 2])
      l.append({ type: 'RemoveSubjects', measureId: 'm1', subjects: ['s1'], effectiveFrom: '2020-03-01' });
    l.append({
      type: 'AnnounceEasing',
      measureId: 'm2',
      announcementId: 'a1',
      statement: 'easing',
      announcedAt: '2020-03-01',
    });
    const o = causeOracle(new Oracle(UNIVERSE), oracleLog(l.events), 's1', l.events.length);
    const step = stepOn(l, '2020-03-01');
    const t = Date.parse(step.effectiveAt);
    expect(o.decisiveParts(t)).toEqual([
      ['restricted', []],
      ['pending', [l.events[4]!.eventId]],
    ]);
    expect(o.uncreditedParts(t, step.causes)).toEqual([]);
    expect(step.causes.map((c) => o.makesADifference(c, t, 'all', step.causes))).toEqual([true, true, true]);
    // Credited with the announcement alone, what stopped being restricted would have no cause.
    expect(
      o.uncreditedParts(
        t,
        step.causes.filter((c) => c.type === 'EasingAnnounced'),
      ),
    ).toEqual(['restricted']);
  });

  it('a part changed by two events of which one alone changes something for the subject is credited to that one', () => {
    // A licence and a narrowing carve x/y out on one day: what stopped being restricted is brought about by either, but
    // the narrowing, left out, changes nothing for the subject (the licence still carves x/y out).
    const l = new DecidedLedger();
    l.append(imposition('m', ['s1'], ['x'], '2020-01-01'));
    const granted = l.append({
      type: 'GrantExemption',
      measureId: 'm',
      exemptionId: 'e',
      title: 'licence',
      categories: ['x/y'],
      effectiveFrom: '2020-03-01',
    });
    const narrowed = l.append({ type: 'NarrowScope', measureId: 'm', remove: ['x/y'], effectiveFrom: '2020-03-01' });
    const step = stepOn(l, '2020-03-01');
    expect(step.causes.map((c) => c.eventId)).toEqual([granted.eventId]);
    const o = causeOracle(new Oracle(UNIVERSE), oracleLog(l.events), 's1', l.events.length);
    const t = Date.parse(step.effectiveAt);
    expect(o.uncreditedParts(t, step.causes)).toEqual([]);
    const asCause = { ...step.causes[0]!, eventId: narrowed.eventId, type: narrowed.type as 'ScopeNarrowed' };
    expect(o.makesADifference(asCause, t, 'all', [...step.causes, asCause])).toBe(false);
  });
});
