/**
 * Clients of the effective feed told the same change share one transition:
 * the same frozen object and its JSON, made once, not a copy per client and
 * message (a live soak's feeds sent millions); and each still gets exactly
 * the transitions after its own cursor, with the ids a resume needs.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import type { EffectiveTransition } from '../../projections/effective-changes.js';
import { effectiveTransitions, transitionJson } from '../../src/changes/effective-feed.js';
import { FakeClock } from '../support/fake-clock.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

describe('changes/shared-transitions', () => {
  const SUBJECTS = Array.from({ length: 50 }, (_, i) => `s${String(i).padStart(2, '0')}`);
  const RECORDED = Date.UTC(2020, 0, 1);
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
    event(2, 'ScopeBroadened', { measureId: 'm', categories: ['b'], effectiveFrom: '2019-01-01T00:00:00.000Z' }),
    // Takes effect later: told when the clock reaches it.
    event(3, 'ScopeBroadened', { measureId: 'm', categories: ['c'], effectiveFrom: '2020-06-01T00:00:00.000Z' }),
  ];
  const store = fixedStore(events);
  const readModel = readModelOf(events);

  async function read(after: string): Promise<EffectiveTransition[]> {
    const received: EffectiveTransition[] = [];
    for await (const t of effectiveTransitions(store, readModel, new FakeClock(Date.UTC(2021, 0, 1)), {
      after,
      signal: new AbortController().signal,
    }))
      received.push(t);
    return received;
  }

  it('gives clients at the same record or instant one frozen transition each, serialised once', async () => {
    const [first, second] = await Promise.all([read('0-1-0-'), read('0-1-0-')]);
    // The imposition, the broadening and the later broadening, for every subject.
    expect(first).toHaveLength(3 * SUBJECTS.length);
    expect(second).toHaveLength(first.length);
    first.forEach((t, i) => expect(second[i]).toBe(t));
    expect(first.every((t) => Object.isFrozen(t))).toBe(true);
    expect(first.map(transitionJson)).toEqual(first.map((t) => JSON.stringify(t)));
  });

  it('resumes a client after its own id, however far another client is, with the same ids', async () => {
    const all = await read('0-1-0-');
    for (const cut of [0, 1, 49, 50, 99, 100, 120, 149]) {
      const rest = await read(all[cut]!.id);
      expect(rest.map((t) => t.id)).toEqual(all.slice(cut + 1).map((t) => t.id));
      rest.forEach((t, i) => expect(t).toBe(all[cut + 1 + i]));
    }
  });
});
