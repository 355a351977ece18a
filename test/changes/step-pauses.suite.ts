/**
 * A record's or an instant's transitions pause once the subjects they concern
 * are found, before the first subject is evaluated: finding them reads every
 * fact of the measure, and evaluating the first may resolve the measure as
 * known there, each long on a measure of thousands of events, so a feed lets
 * the event loop run between the two. A second client, finding them worked
 * out, does not pause for nothing.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { transitionsAtInstant, transitionsOnRecord } from '../../projections/effective-changes.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';

describe('changes/step-pauses', () => {
  const SUBJECTS = ['a', 'b', 'c'];
  const RECORDED = Date.UTC(2020, 0, 1);
  const LATER = Date.UTC(2020, 5, 1);
  const event = (position: number, type: string, data: object): LoggedEvent => ({
    streamId: 'measure-m',
    eventId: randomUUID(),
    type,
    data,
    revision: BigInt(position - 1),
    position: BigInt(position),
    recordedAt: new Date(RECORDED + position * 1000).toISOString(),
  });
  const events = [
    event(1, 'RestrictionImposed', {
      measureId: 'm',
      title: 't',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: SUBJECTS,
      categories: ['a'],
      effectiveFrom: '2019-01-01T00:00:00.000Z',
    }),
    event(2, 'ScopeBroadened', { measureId: 'm', categories: ['b'], effectiveFrom: new Date(LATER).toISOString() }),
  ];

  /** The model with a count of subject look-ups: evaluating a subject looks it up. */
  function countingModel() {
    const model = events.reduce(evolve, initialState());
    const lookups = { count: 0 };
    const get = model.subjects.get.bind(model.subjects);
    model.subjects.get = (key: string) => (lookups.count++, get(key));
    return { model, lookups };
  }

  it("pauses after finding a record's subjects, before evaluating the first, once per record", () => {
    const { model, lookups } = countingModel();
    const broadening = events[1]!;
    const change = {
      measureId: 'm',
      type: broadening.type,
      data: broadening.data,
      position: broadening.position,
      atMs: Date.parse(broadening.recordedAt),
      cause: {
        eventId: broadening.eventId,
        type: 'ScopeBroadened' as const,
        position: '2',
        recordedAt: broadening.recordedAt,
      },
    };
    const first = transitionsOnRecord(model, change);
    expect(first.next()).toEqual({ done: false, value: undefined });
    expect(lookups.count).toBe(0);
    expect([...first]).toHaveLength(SUBJECTS.length);
    // Another client at the same record: its subjects are known, and its first step is a subject.
    expect([...transitionsOnRecord(model, change)]).toHaveLength(SUBJECTS.length);
  });

  it("pauses after finding an instant's subjects, before evaluating the first, once per instant", () => {
    const { model, lookups } = countingModel();
    const first = transitionsAtInstant(model, LATER, ['m'], 2n);
    expect(first.next()).toEqual({ done: false, value: undefined });
    expect(lookups.count).toBe(0);
    const told = [...first];
    expect(told.map((t) => t?.subjectId)).toEqual(SUBJECTS);
    expect([...transitionsAtInstant(model, LATER, ['m'], 2n)]).toEqual(told);
  });
});
