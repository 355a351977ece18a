/**
 * Where a feed "from now" starts (the id the stream opens with): nothing
 * recorded after it is skipped, whatever its record time within the same
 * millisecond, and nothing already known comes again; a record the cursor had
 * not seen is sent whatever its record time.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { EffectiveTransition } from '../../projections/effective-changes.js';
import { effectiveTransitions, evaluatedId, nowKeyId } from '../../src/changes/effective-feed.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { FakeClock } from '../support/fake-clock.js';
import { impositionData } from '../support/stored-events.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

describe('changes/effective-now', () => {
  const T = Date.UTC(2026, 0, 1, 12);

  function imposition(
    position: number,
    subject: string,
    recordedMs: number,
    window: { effectiveFrom?: string; effectiveUntil?: string } = {},
  ): LoggedEvent {
    return {
      streamId: `measure-m${position}`,
      eventId: randomUUID(),
      type: 'RestrictionImposed',
      data: impositionData(`m${position}`, [subject], { effectiveFrom: '2019-01-01T00:00:00.000Z', ...window }),
      revision: 0n,
      position: BigInt(position),
      recordedAt: new Date(recordedMs).toISOString(),
    };
  }

  /** The transitions a feed from `after` sends over the whole log, the clock standing at `now`, and its evaluated ids. */
  async function feedAfter(log: LoggedEvent[], after: string, now: number) {
    const transitions: EffectiveTransition[] = [];
    const evaluated: string[] = [];
    for await (const t of effectiveTransitions(fixedStore(log), readModelOf(log), new FakeClock(now), {
      after,
      signal: new AbortController().signal,
      sliceMs: 0,
      onEvaluated: (through) => evaluated.push(through()),
    }))
      transitions.push(t);
    return { transitions, evaluated };
  }

  async function subjectsAfter(log: LoggedEvent[], after: string, now: number): Promise<string[]> {
    return (await feedAfter(log, after, now)).transitions.map((t) => t.subjectId);
  }

  const iso = (ms: number) => new Date(ms).toISOString();

  describe('the effective feed from now', () => {
    it('sends a record made in the same millisecond as "now", after the position it was taken at', async () => {
      const known = imposition(1, 'acme', T);
      const log = [known, imposition(2, 'bolt', T)];
      const key = nowKeyId([known].reduce(evolve, initialState()), T);
      expect(await subjectsAfter(log, key, T)).toEqual(['bolt']);
    });

    it('does not send again a record whose record time is ahead of this clock', async () => {
      // Another writer's clock ran ahead: the record is known, so it is before "now" whatever this clock says.
      const known = imposition(1, 'acme', T + 5_000);
      const log = [known, imposition(2, 'bolt', T + 5_000)];
      const key = nowKeyId([known].reduce(evolve, initialState()), T);
      expect(await subjectsAfter(log, key, T)).toEqual(['bolt']);
    });
  });

  // Records the cursor had not seen: "from now" taken while the read model lagged the log (another process writing,
  // a replica catching up), or a resume from an `: evaluated` id. A record past the cursor's position is sent
  // whatever its record time.
  describe('records the cursor had not seen', () => {
    const known = imposition(1, 'acme', T);
    const log = [known, imposition(2, 'bolt', T + 10), imposition(3, 'core', T + 80)];
    const modelAtFirst = [known].reduce(evolve, initialState());

    it('"from now" taken while the model lagged sends a record recorded before now but folded after', async () => {
      expect(await subjectsAfter(log, nowKeyId(modelAtFirst, T + 50), T + 100)).toEqual(['bolt', 'core']);
    });

    it('a resume from an evaluated id sends the records after its position, whatever their record time', async () => {
      expect(await subjectsAfter(log, evaluatedId(T + 50, 1n), T + 100)).toEqual(['bolt', 'core']);
    });

    it('a resume from the last record sent sends nothing before it again', async () => {
      const sent = `${T + 10}-0-2-bolt`;
      expect(await subjectsAfter(log, sent, T + 100)).toEqual(['core']);
    });
  });

  // A record the cursor had not seen can make something effective between its record time and the cursor's time:
  // the feed had evaluated those instants without it, so it tells the change when it takes the record in.
  describe('a record taking effect before the time the feed had reached', () => {
    const known = imposition(1, 'acme', T);
    const late = imposition(2, 'bolt', T + 10, { effectiveFrom: iso(T + 30) });

    it('is told when the feed takes the record in, not skipped with the instants already passed', async () => {
      const { transitions } = await feedAfter(
        [known, late],
        nowKeyId([known].reduce(evolve, initialState()), T + 50),
        T + 100,
      );
      expect(transitions.map((t) => [t.subjectId, t.at, t.became.restricted.categories])).toEqual([
        ['bolt', iso(T + 50), ['exports']],
      ]);
      expect(transitions[0]!.id).toBe(`${T + 50}-0-2-bolt`);
    });

    it('and a resume from that transition sends nothing again', async () => {
      expect(await subjectsAfter([known, late], `${T + 50}-0-2-bolt`, T + 100)).toEqual([]);
    });
  });

  // A client resuming from an instant it was sent (or an evaluated id there) while a record recorded at or before that
  // instant has arrived since: the instant is not told again as known with the record, the record comes after it.
  describe('a resume from an instant, a record recorded before it having arrived since', () => {
    const acme = imposition(1, 'acme', T, { effectiveFrom: iso(T + 30) });
    const bolt = imposition(2, 'bolt', T + 10);

    it.each([
      ['the instant sent', `${T + 30}-1-1-acme`],
      ['an evaluated id at it', evaluatedId(T + 30, 1n)],
    ])('from %s sends the record once, after the instant, and nothing the client had', async (_name, after) => {
      const { transitions } = await feedAfter([acme, bolt], after, T + 100);
      expect(transitions.map((t) => t.id)).toEqual([`${T + 31}-0-2-bolt`]);
    });
  });

  describe('evaluated ids', () => {
    it('never name a time past the clock, though the next instant is later', async () => {
      // The measure ends two minutes from now: the feed waits for that instant, and says how far it has got meanwhile.
      const log = [imposition(1, 'acme', T, { effectiveUntil: iso(T + 120_000) })];
      const { evaluated } = await feedAfter(log, '0-1-0-', T + 10);
      expect(evaluated.length).toBeGreaterThan(0);
      for (const id of evaluated) expect(Number(id.split('-')[0])).toBeLessThanOrEqual(T + 10);
    });

    it('come only once the feed has read every record the server holds: a client waiting for one is caught up', async () => {
      const log = [1, 2, 3, 4, 5].map((n) => imposition(n, `s${n}`, T + n));
      const told: string[] = [];
      const signal = new AbortController().signal;
      for await (const t of effectiveTransitions(fixedStore(log), readModelOf(log), new FakeClock(T + 10), {
        after: '0-1-0-',
        signal,
        sliceMs: 0,
        onEvaluated: () => told.push('evaluated'),
      }))
        told.push(t.subjectId);
      expect(told.indexOf('evaluated')).toBeGreaterThan(told.indexOf('s5'));
    });
  });

  describe('a record that takes effect at its own record time', () => {
    it('is told once: the instant that follows the record tells it, the record itself changes nothing before it', async () => {
      const { transitions } = await feedAfter([imposition(1, 'acme', T, { effectiveFrom: iso(T) })], '0-1-0-', T + 10);
      expect(transitions.map((t) => t.id)).toEqual([`${T}-1-1-acme`]);
    });
  });
});
