/**
 * A timeline interval's `restricted[]` holds throughout the interval
 * (DOMAIN.md "Every element of an answer names its basis"): where a second
 * measure comes to restrict the same categories, or one of two is lifted, the
 * subject's restricted set stays the same but what each measure restricts
 * does not, and a new interval begins there. Nothing became or stopped being
 * restricted (its `became` sets are empty); its `changes` are the events that
 * changed the breakdown. Before, one interval said "m1" from January for ever:
 * m2 was never named, and from March a lifted measure was.
 */
import { describe, expect, it } from '@jest/globals';
import { subjectState, subjectTimeline, type SubjectTimeline } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

const JAN = '2020-01-01T00:00:00.000Z';
const FEB = '2020-02-01T00:00:00.000Z';
const MAR = '2020-03-01T00:00:00.000Z';
const NOTHING = { categories: [], except: [] };

/** Each interval as a reader takes it: when, which measure restricts what, what changed, and which events changed it. */
function read(timeline: SubjectTimeline) {
  return timeline.intervals.map((i) => ({
    from: i.from,
    until: i.until,
    restricted: i.restricted.map((r) => `${r.measureId}: ${r.categories.join(' ')}`),
    became: i.became,
    changes: i.changes.map((c) => c.eventId).sort(),
  }));
}

/** m1 restricts exports for s from January, m2 from February, and m1 is lifted in March. */
function overlapping() {
  const ledger = new DecidedLedger();
  const m1 = ledger.append(imposition('m1', ['s'], ['exports'], JAN)).eventId;
  const m2 = ledger.append(imposition('m2', ['s'], ['exports'], FEB)).eventId;
  const lift = ledger.append({ type: 'LiftRestriction', measureId: 'm1', effectiveFrom: MAR }).eventId;
  return { ledger, m1, m2, lift };
}

describe('investigations/timeline-breakdown', () => {
  it('a second measure on the same categories, then the first lifted: an interval at each, naming the measure in force', () => {
    const { ledger, m1, m2, lift } = overlapping();
    expect(read(subjectTimeline(ledger.model, 's', ledger.model.position))).toEqual([
      {
        from: JAN,
        until: FEB,
        restricted: ['m1: exports'],
        became: { restricted: { categories: ['exports'], except: [] }, unrestricted: NOTHING },
        changes: [m1],
      },
      {
        from: FEB,
        until: MAR,
        restricted: ['m1: exports', 'm2: exports'],
        became: { restricted: NOTHING, unrestricted: NOTHING },
        changes: [m2],
      },
      {
        from: MAR,
        until: null,
        restricted: ['m2: exports'],
        became: { restricted: NOTHING, unrestricted: NOTHING },
        changes: [lift],
      },
    ]);
  });

  it("every interval's measures are the state's, at its start and just before its end", () => {
    const { ledger } = overlapping();
    const k = ledger.model.position;
    const stateAt = (at: number) =>
      subjectState(ledger.model, 's', { at, asOfPosition: k }).restricted.map((r) => r.measureId);
    for (const interval of subjectTimeline(ledger.model, 's', k).intervals) {
      const named = interval.restricted.map((r) => r.measureId);
      expect({ from: interval.from, named }).toEqual({
        from: interval.from,
        named: stateAt(Date.parse(interval.from)),
      });
      const end = interval.until === null ? Date.parse('2030-01-01') : Date.parse(interval.until) - 1;
      expect({ until: interval.until, named }).toEqual({ until: interval.until, named: stateAt(end) });
    }
  });

  it('a window opening after the second measure came in names both, and the lift still starts an interval', () => {
    const { ledger, lift } = overlapping();
    const timeline = subjectTimeline(ledger.model, 's', ledger.model.position, { from: Date.parse('2020-02-15') });
    expect(read(timeline)).toEqual([
      {
        from: '2020-02-15T00:00:00.000Z',
        until: MAR,
        restricted: ['m1: exports', 'm2: exports'],
        became: { restricted: NOTHING, unrestricted: NOTHING },
        changes: [],
      },
      {
        from: MAR,
        until: null,
        restricted: ['m2: exports'],
        became: { restricted: NOTHING, unrestricted: NOTHING },
        changes: [lift],
      },
    ]);
  });

  it('one measure lifted the day another takes over the same categories: one interval, credited to both', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports'], JAN));
    const m2 = ledger.append(imposition('m2', ['s'], ['exports'], FEB)).eventId;
    const lift = ledger.append({ type: 'LiftRestriction', measureId: 'm1', effectiveFrom: FEB }).eventId;
    const [, handover] = read(subjectTimeline(ledger.model, 's', ledger.model.position));
    expect(handover).toEqual({
      from: FEB,
      until: null,
      restricted: ['m2: exports'],
      became: { restricted: NOTHING, unrestricted: NOTHING },
      changes: [m2, lift].sort(),
    });
  });

  it("an exemption in one of two measures restricting the same category changes that measure's share: an interval", () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m1', ['s'], ['exports'], JAN));
    ledger.append(imposition('m2', ['s'], ['exports'], JAN));
    const grant = ledger.append({
      type: 'GrantExemption',
      measureId: 'm1',
      exemptionId: 'e',
      title: 'e',
      subjects: ['s'],
      categories: ['exports'],
      effectiveFrom: FEB,
    }).eventId;
    const [, exempted] = read(subjectTimeline(ledger.model, 's', ledger.model.position));
    expect(exempted).toEqual({
      from: FEB,
      until: null,
      restricted: ['m2: exports'],
      became: { restricted: NOTHING, unrestricted: NOTHING },
      changes: [grant],
    });
  });
});
