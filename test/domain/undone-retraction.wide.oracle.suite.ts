/**
 * Found by queries/differential.property over wide histories (seed 87520043, shrunk): retracting a retraction restores the event it
 * retracted, even when what that event introduced has been introduced again since. A grant retracted, its
 * exemptionId granted anew, then the retraction retracted: two standing grants of one exemption, which "GrantExemption:
 * the exemptionId is new in the measure" rules out, and a state that lists the exemption twice. The same for an
 * imposition retracted (the whole measure), the measure imposed again, then the retraction retracted.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { evolve as foldModel, initialState as emptyModel } from '../../projections/ledger-read-model.js';
import { subjectState } from '../../projections/subject-queries.js';
import { decide, evolve, initialState, type MeasureStream } from '../../src/domain/decide.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { uncheckedFactOf, type LoggedEvent } from '../../src/domain/recorded-fact.js';

/** Sends each command of one measure through the decider, as the ledger would; each may name earlier events' ids. */
function ledger(commands: ((ids: string[]) => LedgerCommand)[]) {
  let state: MeasureStream = initialState('m1');
  const events: LoggedEvent[] = [];
  const rejections: string[] = [];
  for (const make of commands) {
    const decision = decide(make(events.map((e) => e.eventId)), state);
    if (decision.rejection) {
      rejections.push(decision.rejection.rule);
      continue;
    }
    const event: LoggedEvent = {
      streamId: 'measure-m1',
      eventId: randomUUID(),
      type: decision.events[0]!.type,
      data: decision.events[0]!.data,
      revision: BigInt(state.revision + 1),
      position: BigInt(events.length + 1),
      recordedAt: new Date(Date.UTC(2030, 0, 1) + events.length * 60_000).toISOString(),
    };
    events.push(event);
    state = evolve(state, uncheckedFactOf(event));
  }
  return { events, rejections };
}

const impose: LedgerCommand = {
  type: 'ImposeRestriction',
  measureId: 'm1',
  title: 't',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['s1'],
  categories: ['x'],
  effectiveFrom: '2019-01-01T00:00:00.000Z',
};
const grant = (effectiveFrom: string): LedgerCommand => ({
  type: 'GrantExemption',
  measureId: 'm1',
  exemptionId: 'e1',
  title: 'licence',
  categories: ['x/y'],
  effectiveFrom,
});
const retract = (eventId: string): LedgerCommand => ({ type: 'RetractEntry', measureId: 'm1', eventId, reason: 'r' });

describe('domain/undone-retraction.wide.oracle', () => {
  // Accepted, the undo left two standing grants of e1 and a state listing e1 twice: the retraction of the retraction
  // is refused (422, nothing appended), as the grant it would restore reuses a taken exemptionId.
  it('a retraction is not undone when the grant it restores has had its exemptionId granted again', () => {
    const { events, rejections } = ledger([
      () => impose,
      () => grant('2019-01-02T00:00:00.000Z'),
      (ids) => retract(ids[1]!),
      () => grant('2019-01-03T00:00:00.000Z'),
      (ids) => retract(ids[2]!),
    ]);
    const model = events.reduce(foldModel, emptyModel());
    const state = subjectState(model, 's1', { at: Date.parse('2019-02-01'), asOfPosition: BigInt(events.length) });
    expect({
      rejected: rejections.length,
      exemptions: state.exemptions.map((e) => `${e.measureId}/${e.exemptionId}`),
    }).toEqual({ rejected: 1, exemptions: ['m1/e1'] });
  });

  // One level deeper the old check looked only at the event retracted by the retraction undone, a retraction here:
  // the grant came back under the new one and the state listed e1 twice. Now any depth is followed to what returns.
  it('a chain of retractions is not undone when the grant at its end has had its exemptionId granted again', () => {
    const { events, rejections } = ledger([
      () => impose,
      () => grant('2019-01-02T00:00:00.000Z'),
      (ids) => retract(ids[1]!),
      (ids) => retract(ids[2]!),
      (ids) => retract(ids[3]!),
      () => grant('2019-01-03T00:00:00.000Z'),
      (ids) => retract(ids[4]!),
    ]);
    const model = events.reduce(foldModel, emptyModel());
    const state = subjectState(model, 's1', { at: Date.parse('2019-02-01'), asOfPosition: BigInt(events.length) });
    expect({
      rejections,
      exemptions: state.exemptions.map((e) => `${e.measureId}/${e.exemptionId}`),
    }).toEqual({ rejections: ['exemption-new'], exemptions: ['m1/e1'] });
  });

  // The imposition's case cannot arise: a measure once imposed is never new again, so nothing can take its place.
  it('a retracted imposition leaves its measureId taken, so undoing the retraction restores the only imposition', () => {
    const { events, rejections } = ledger([
      () => impose,
      (ids) => retract(ids[0]!),
      () => ({ ...impose, categories: ['y'] }),
      (ids) => retract(ids[1]!),
    ]);
    const model = events.reduce(foldModel, emptyModel());
    const state = subjectState(model, 's1', { at: Date.parse('2019-02-01'), asOfPosition: BigInt(events.length) });
    expect({ rejections, restricted: state.restricted.map((r) => r.categories) }).toEqual({
      rejections: ['measure-new'],
      restricted: [['x']],
    });
  });
});
