/**
 * Where a feed "from now" starts (the id the stream opens with): nothing
 * recorded after it is skipped, whatever its record time within the same
 * millisecond, and nothing already known comes again; a record the cursor had
 * not seen is sent whatever its record time.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { effectiveTransitions, evaluatedId, nowKeyId } from '../../src/changes/effective-feed.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { FakeClock } from '../support/fake-clock.js';
import { impositionData } from '../support/stored-events.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

describe('changes/effective-now', () => {
  const T = Date.UTC(2026, 0, 1, 12);

  function imposition(position: number, subject: string, recordedMs: number): LoggedEvent {
    return {
      streamId: `measure-m${position}`,
      eventId: randomUUID(),
      type: 'RestrictionImposed',
      data: impositionData(`m${position}`, [subject], { effectiveFrom: '2019-01-01T00:00:00.000Z' }),
      revision: 0n,
      position: BigInt(position),
      recordedAt: new Date(recordedMs).toISOString(),
    };
  }

  /** The subjects of the transitions a feed from `after` sends over the whole log, the clock standing at `now`. */
  async function subjectsAfter(log: LoggedEvent[], after: string, now: number): Promise<string[]> {
    const subjects: string[] = [];
    for await (const t of effectiveTransitions(fixedStore(log), readModelOf(log), new FakeClock(now), {
      after,
      signal: new AbortController().signal,
      sliceMs: 0,
    }))
      subjects.push(t.subjectId);
    return subjects;
  }

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
});
