/**
 * What a timeline holds while a server works it out in slices (paused between
 * instants and between the events tried as causes), for a measure whose day of
 * imposition hundreds of grants and narrowings share and which was broadened
 * hundreds of times after: about the answer built so far, not a measure's
 * whole restricted set per event tried or per instant walked. Each timeline
 * in flight on a busy server held 15-18 MB of such sets.
 */
import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { subjectTimeline, subjectTimelineSteps } from '../../projections/subject-queries.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { expectEqual } from '../support/expect-equal.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const GRANTS = 300;
const NARROWINGS = 300;
const BROADENINGS = 300;
const DAY_ONE = '2019-01-01T00:00:00.000Z';

/** One measure on `s`: grants and narrowings effective the day it is imposed, then broadenings a day apart. */
function wideMeasure(): LedgerReadModel {
  const events: LoggedEvent[] = [];
  const push = (type: string, data: object) => {
    const position = events.length + 1;
    events.push({
      streamId: 'measure-m',
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type,
      data: { measureId: 'm', ...data },
      revision: BigInt(position - 1),
      position: BigInt(position),
      recordedAt: new Date(Date.UTC(2020, 0, 1) + position * 1000).toISOString(),
    });
  };
  push('RestrictionImposed', {
    title: 'wide',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['s'],
    categories: ['exports', 'services/base'],
    effectiveFrom: DAY_ONE,
  });
  for (let i = 0; i < GRANTS; i++)
    push('ExemptionGranted', {
      exemptionId: `x${i}`,
      title: 'licence',
      categories: [`exports/x${i}`],
      effectiveFrom: DAY_ONE,
    });
  for (let i = 0; i < NARROWINGS; i++) push('ScopeNarrowed', { remove: [`exports/r${i}`], effectiveFrom: DAY_ONE });
  for (let i = 0; i < BROADENINGS; i++)
    push('ScopeBroadened', {
      categories: [`services/c${i}`],
      effectiveFrom: new Date(Date.UTC(2019, 1, 1) + i * 86_400_000).toISOString(),
    });
  return events.reduce(evolve, initialState());
}

/** What one turn keeps alive to its end (WeakRef targets) is let go by the next. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Heap in use after a full collection, in MB. */
function heapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1e6;
}

describe('investigations/timeline-memory', () => {
  const model = wideMeasure();
  // The whole timeline once: the measure's own indexes (kept by the read model for every reader) are built.
  const whole = subjectTimeline(model, 's', model.position);
  const steps = (() => {
    let count = 0;
    for (const _ of subjectTimelineSteps(model, 's', model.position)) count++;
    return count;
  })();

  /** The heap a timeline holds, paused after `share` of its steps, and the answer it then gives. */
  async function heldAt(share: number) {
    await nextTurn();
    const before = heapMb();
    const timeline = subjectTimelineSteps(model, 's', model.position);
    for (let i = 0; i < steps * share; i++) timeline.next();
    const held = heapMb() - before;
    let step = timeline.next();
    while (!step.done) step = timeline.next();
    return { held, answer: step.value };
  }

  it('works out the intervals its measure shapes', () => {
    // The day of imposition, and each broadening after it.
    expect(whole.intervals).toHaveLength(1 + BROADENINGS);
    // Each grant, left out, would change what became restricted on day one: each is one of its causes.
    expect(whole.intervals[0]!.changes.filter((c) => c.type === 'ExemptionGranted')).toHaveLength(GRANTS);
  });

  it('holds little while it tries the events of a day hundreds share', async () => {
    // Most of its steps try day one's events as causes: midway, every one has been tried once.
    const { held, answer } = await heldAt(0.5);
    expectEqual(answer, whole);
    expect(held).toBeLessThan(4);
  });

  it('holds about the answer so far late in its walk', async () => {
    const { held, answer } = await heldAt(0.97);
    expectEqual(answer, whole);
    // The answer so far lists about 300 intervals of about 600 paths each: about 1.5 MB of references.
    expect(held).toBeLessThan(6);
  });
});
