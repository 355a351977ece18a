/**
 * A long history's replay is worked out in slices: the server pauses between
 * steps (and the events tried as causes), so one investigator's replay of a
 * subject added and removed thousands of times never holds up other requests
 * for its whole length.
 */
import { describe, expect, it } from '@jest/globals';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { measuresOfSubject } from '../../projections/ledger-read-model.js';
import { replaySubjectSteps, type Replay } from '../../projections/replay.js';
import { SubjectTransitions } from '../../projections/transitions.js';
import { impositionData } from '../support/stored-events.js';

const DAY = 86_400_000;

function churnedSubject(events: number) {
  const model = initialState();
  let position = 0;
  const push = (type: string, data: object) =>
    evolve(model, {
      streamId: 'measure-m',
      eventId: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`,
      type,
      data,
      revision: BigInt(position - 1),
      position: BigInt(position),
      recordedAt: new Date(Date.UTC(2026, 0, 1) + position * 1000).toISOString(),
    });
  push('RestrictionImposed', impositionData('m', ['other'], { effectiveFrom: '2019-01-01T00:00:00.000Z' }));
  for (let i = 1; i < events; i++) {
    push(i % 2 ? 'SubjectsAdded' : 'SubjectsRemoved', {
      measureId: 'm',
      subjects: ['x'],
      effectiveFrom: new Date(Date.UTC(2019, 0, 1) + i * DAY).toISOString(),
    });
  }
  return model;
}

describe('investigations/paced-replay', () => {
  const model = churnedSubject(300);

  it.each(['valid', 'record'] as const)('pauses at every step of a %s-order replay', (order) => {
    const steps = replaySubjectSteps(model, 'x', { order, asOfPosition: model.position });
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    const replay: Replay = step.value;
    // The imposition (not naming x: unchanged), then each addition and removal of x, changing its state; a pause before each.
    expect(replay.steps).toHaveLength(300);
    expect(replay.steps.filter((s) => !s.unchanged)).toHaveLength(299);
    expect(pauses).toBeGreaterThanOrEqual(replay.steps.length);
  });

  it('pauses while indexing a long measure for the subject, before its first step', () => {
    const long = churnedSubject(1_000);
    const built = SubjectTransitions.built(measuresOfSubject(long, 'x', long.position), 'x');
    let pauses = 0;
    let step = built.next();
    for (; !step.done; step = built.next()) pauses++;
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(step.value.instants).toHaveLength(1_000);
  });
});
