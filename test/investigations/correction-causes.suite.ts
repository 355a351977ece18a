/**
 * A correction that makes a difference is a cause: a grant's start moved by a
 * correction changes the subject at the new date only because of it, so the
 * timeline and replay in valid order credit the grant and the correction
 * together. A correction that changes nothing there (a title) is not credited,
 * and a correction of a correction is weighed against the one before it.
 */
import { describe, expect, it } from '@jest/globals';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { replaySubject } from '../../projections/replay.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { realise } from '../support/history-generator.js';

describe('investigations/correction-causes', () => {
  const iso = (date: string) => new Date(date).toISOString();
  const impose: LedgerCommand = {
    type: 'ImposeRestriction',
    measureId: 'm1',
    title: 'Listing',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['q1'],
    categories: ['a'],
    effectiveFrom: '2019-01-01',
  };
  const grant: Extract<LedgerCommand, { type: 'GrantExemption' }> = {
    type: 'GrantExemption',
    measureId: 'm1',
    exemptionId: 'e1',
    title: 'Licence',
    categories: ['a/b'],
    effectiveFrom: '2019-01-20',
  };
  /** Each command after the imposition and the grant corrects the grant (position 2) with these fields changed. */
  const history = (...corrections: Partial<typeof grant>[]) => {
    const head = realise([
      { kind: 'command', command: impose },
      { kind: 'command', command: grant },
    ]);
    const events = [...head];
    for (const [i, fields] of corrections.entries()) {
      events.push({
        streamId: 'measure-m1',
        eventId: `00000000-0000-4000-8000-00000000000${i + 1}`,
        type: 'EntryCorrected',
        data: {
          measureId: 'm1',
          eventId: head[1]!.eventId,
          reason: 'misdated',
          replacement: { ...grant, ...fields },
          citation: `correction ${i + 1}`,
        },
        revision: BigInt(events.length),
        position: BigInt(events.length + 1),
        recordedAt: new Date(Date.UTC(2031, 0, 1 + i)).toISOString(),
      });
    }
    const model: LedgerReadModel = events.reduce(evolve, initialState());
    return { model, ids: events.map((e) => e.eventId) };
  };
  const timelineChanges = (model: LedgerReadModel, from: string) =>
    subjectTimeline(model, 'q1', model.position)
      .intervals.find((i) => i.from === iso(from))
      ?.changes.map((c) => `${c.type}@${c.position}`);
  const replayStep = (model: LedgerReadModel, at: string) =>
    replaySubject(model, 'q1', { order: 'valid', asOfPosition: model.position }).steps.find(
      (s) => !s.unchanged && s.effectiveAt === iso(at),
    );

  it('a start moved by a correction is credited to the grant and the correction, in the timeline and in replay', () => {
    const { model } = history({ effectiveFrom: '2019-01-25' });
    expect(timelineChanges(model, '2019-01-25')).toEqual(['ExemptionGranted@2', 'EntryCorrected@3']);
    const step = replayStep(model, '2019-01-25')!;
    expect(step.causes.map((c) => `${c.type}@${c.position}`)).toEqual(['ExemptionGranted@2', 'EntryCorrected@3']);
    expect(step.causes[1]).toMatchObject({ measureId: 'm1', citation: 'correction 1', role: 'starts' });
    // Two causes: the step is no single event.
    expect(step).toMatchObject({ eventId: null, position: null, type: null });
    // Nothing changes at the date the grant had before it was corrected.
    expect(timelineChanges(model, '2019-01-20')).toBeUndefined();
  });

  it('a correction of a title only changes nothing, and is not credited', () => {
    const { model } = history({ title: 'Licence (renamed)' });
    expect(timelineChanges(model, '2019-01-20')).toEqual(['ExemptionGranted@2']);
    expect(replayStep(model, '2019-01-20')!.causes.map((c) => c.type)).toEqual(['ExemptionGranted']);
  });

  it('a correction of categories at an unmoved start is credited with the grant', () => {
    const { model } = history({ categories: ['a/c'] });
    expect(timelineChanges(model, '2019-01-20')).toEqual(['ExemptionGranted@2', 'EntryCorrected@3']);
  });

  it('a second correction is weighed against the first: credited where it moves the change, not where it repeats it', () => {
    const moved = history({ effectiveFrom: '2019-01-25' }, { effectiveFrom: '2019-01-28' });
    // Without the second, the first's 01-25 stands: the change moves, so the second is a cause; the superseded first is not.
    expect(timelineChanges(moved.model, '2019-01-28')).toEqual(['ExemptionGranted@2', 'EntryCorrected@4']);
    const repeated = history({ effectiveFrom: '2019-01-25' }, { effectiveFrom: '2019-01-25', title: 'Licence 2' });
    // Either correction alone would put the start at 01-25: leaving out one changes nothing.
    expect(timelineChanges(repeated.model, '2019-01-25')).toEqual(['ExemptionGranted@2']);
  });

  it('an end date set by a correction credits the correction where the exemption lapses', () => {
    const { model } = history({ effectiveUntil: '2019-02-10' });
    const step = replayStep(model, '2019-02-10')!;
    expect(step.causes.map((c) => [c.type, c.role])).toEqual([
      ['ExemptionGranted', 'ends'],
      ['EntryCorrected', 'ends'],
    ]);
  });
});
