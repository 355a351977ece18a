/**
 * What one feed connection may cost: it stops as soon as its client leaves,
 * lets the event loop run while it computes, and reads the log in pages of
 * bounded bytes.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { effectiveTransitions } from '../../src/changes/effective-feed.js';
import { logAfter, PAGE_BUDGET_BYTES } from '../../src/changes/log-pages.js';
import type { ReadAllOptions } from '../../src/event-store/event-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

describe('changes/feed-bounds', () => {
  const SUBJECTS = Array.from({ length: 300 }, (_, i) => `s${String(i).padStart(3, '0')}`);
  const RECORDED = Date.UTC(2020, 0, 1);

  function event(position: number, type: string, data: object): LoggedEvent {
    return {
      streamId: 'measure-m',
      eventId: randomUUID(),
      type,
      data,
      revision: BigInt(position - 1),
      position: BigInt(position),
      recordedAt: new Date(RECORDED + position * 1000).toISOString(),
    };
  }

  /** A measure of 300 subjects whose scope is broadened ten times: each record concerns every subject. */
  function wideHistory(broadenBy: (i: number) => string): LoggedEvent[] {
    return [
      event(1, 'RestrictionImposed', {
        measureId: 'm',
        title: 't',
        jurisdiction: 'US',
        authority: 'BIS',
        subjects: SUBJECTS,
        categories: ['a'],
        effectiveFrom: '2019-01-01T00:00:00.000Z',
      }),
      ...Array.from({ length: 10 }, (_, i) =>
        event(i + 2, 'ScopeBroadened', {
          measureId: 'm',
          categories: [broadenBy(i)],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
        }),
      ),
    ];
  }

  /** The read model with a count of subject look-ups: each subject evaluated looks itself up. */
  function countingModel(events: LoggedEvent[]) {
    const model = events.reduce(evolve, initialState());
    const lookups = { count: 0 };
    const subjects = model.subjects;
    const get = subjects.get.bind(subjects);
    subjects.get = (key: string) => (lookups.count++, get(key));
    return { readModel: readModelOf(events, model), lookups };
  }

  describe('effective feed: cost per connection', () => {
    it('stops evaluating subjects as soon as the client leaves, with no message pending', async () => {
      // Broadened within what is already restricted: every subject is evaluated, none changes.
      const events = wideHistory(() => 'a/b');
      const { readModel, lookups } = countingModel(events);
      const abort = new AbortController();
      const afterImposition = `${RECORDED + 1000}-0-1-s299`;
      const feed = effectiveTransitions(fixedStore(events), readModel, new FakeClock(RECORDED + 86_400_000), {
        after: afterImposition,
        signal: abort.signal,
        sliceMs: 0,
      });
      const next = feed.next();
      while (lookups.count < 200) await new Promise((resolve) => setImmediate(resolve));
      abort.abort();
      const atAbort = lookups.count;
      expect(await next).toEqual({ done: true, value: undefined });
      // At most the subject under way finishes: a record alone concerns 300.
      expect(lookups.count - atAbort).toBeLessThanOrEqual(4);
    });

    it('lets other callbacks run between subjects while it works through a record that concerns many', async () => {
      const events = wideHistory((i) => `c${i}`).slice(0, 2);
      const { readModel } = countingModel(events);
      let ticks = 0;
      let ticking = true;
      const tick = () => ticking && (ticks++, setImmediate(tick));
      setImmediate(tick);
      const received = [];
      for await (const t of effectiveTransitions(fixedStore(events), readModel, new FakeClock(RECORDED + 86_400_000), {
        after: '0-1-0-',
        signal: new AbortController().signal,
        sliceMs: 0,
      })) {
        received.push(t);
      }
      ticking = false;
      // 300 subjects restricted by the imposition, then broadened for each.
      expect(received).toHaveLength(600);
      expect(ticks).toBeGreaterThanOrEqual(600);
    });
  });

  describe('log pages', () => {
    it('reads pages whose events stay near the byte budget, whatever their size, and misses none', async () => {
      const note = 'x'.repeat(30_000);
      const events = Array.from({ length: 40 }, (_, i) =>
        event(i + 1, 'ScopeBroadened', {
          measureId: 'm',
          categories: [`c${i}`],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
          note,
        }),
      );
      const store = fixedStore(events);
      const pages: number[] = [];
      const readAll = store.readAll.bind(store);
      store.readAll = async (options?: ReadAllOptions) => {
        const page = await readAll(options);
        pages.push(page.reduce((bytes, e) => bytes + JSON.stringify(e.data).length, 0));
        return page;
      };
      const read: bigint[] = [];
      for await (const e of logAfter(store, readModelOf(events), 0n, new AbortController().signal))
        read.push(e.position);
      expect(read).toEqual(events.map((e) => e.position));
      expect(Math.max(...pages)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
      expect(pages.length).toBeLessThan(40);
    });
  });
});
