/**
 * The effective feed "from now" against the oracle while the read model lags the log, as effective-now.oracle.suite.ts
 * does, over wide histories (history-generator.ts, `WIDE`): instants at any millisecond, record times among them (at
 * an instant, 1 ms either side, within a day), four measures, 46 affiliates named at once. For every subject the log
 * names, what the client holds after each transition is what the oracle says at that moment, each `became` is the
 * change from what it held, none repeats, and it ends holding what the oracle says; the same resuming from any id.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import type { EffectiveTransition } from '../../projections/effective-changes.js';
import { effectiveTransitions, nowKeyId } from '../../src/changes/effective-feed.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { InstantIndex } from '../../projections/instant-index.js';
import type { ReadModelService } from '../../src/queries/read-model.service.js';
import { RecentEvents } from '../../src/queries/recent-events.js';
import { FakeClock } from '../support/fake-clock.js';
import { DAY, EPOCH, pathsOf, UNIVERSE, wideHistoryArbitrary } from '../support/history-generator.js';
import { Oracle, oracleLog, type OracleEvent } from '../support/oracle.js';
import { fixedStore } from './feed-fixtures.js';

/**
 * A read model that has folded only the first `folded` events when the feed
 * first asks, and catches up (model and instants) as soon as the feed asks
 * it to reach further: the shape of a model following another writer's log.
 */
function laggingReadModel(events: LoggedEvent[], folded: number): ReadModelService {
  let model: LedgerReadModel = initialState();
  const instants = new InstantIndex();
  let done = 0;
  const foldTo = (count: number) => {
    for (; done < Math.min(count, events.length); done++) {
      model = evolve(model, events[done]!);
      instants.addEvent(events[done]!);
    }
    return model;
  };
  foldTo(folded);
  return {
    current: async () => model,
    reach: async (position: bigint) => foldTo(Math.max(done, Number(position))),
    beyond: async () => false,
    instants,
    // Its buffer starts after everything: the feed reads the events from the store.
    recent: new RecentEvents(BigInt(events.length)),
    get position() {
      return model.position;
    },
  } as unknown as ReadModelService;
}

/** Every subject an event's data names, in any list of subjects, a correction's replacement included. */
function namedSubjects(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  const record = data as Record<string, unknown>;
  const lists = ['subjects', 'addSubjects', 'removeSubjects'].flatMap((field) =>
    Array.isArray(record[field]) ? (record[field] as string[]) : [],
  );
  return [...lists, ...namedSubjects(record.replacement)];
}

describe('changes/effective-now.wide.oracle', () => {
  const oracle = new Oracle(UNIVERSE);
  const END = EPOCH + 400 * DAY;

  async function readFeed(events: LoggedEvent[], readModel: ReadModelService, after: string) {
    const received: EffectiveTransition[] = [];
    const signal = new AbortController().signal;
    for await (const t of effectiveTransitions(fixedStore(events), readModel, new FakeClock(END), { after, signal }))
      received.push(t);
    return received;
  }

  /** The oracle's restricted paths for a subject at valid time t, as known at position k. */
  function restrictedBy(log: OracleEvent[]) {
    const standing = new Map<number, OracleEvent[]>();
    return (subject: string, t: number, k: number): string[] => {
      if (!standing.has(k)) standing.set(k, oracle.standing(log, k));
      return Oracle.union(oracle.answerFrom(standing.get(k)!, subject, t)).restricted;
    };
  }

  const paths = (answer: { categories: string[]; except: string[] }) => pathsOf(answer.categories, answer.except);
  const text = (paths: string[]) => paths.join(' ') || 'nothing';

  /**
   * What is wrong with a client's run: starting from `held` (subject → paths it holds), each transition must be true
   * at its moment, change what the client held by exactly its `became`, and the client must end where the oracle does.
   */
  function problems(
    received: EffectiveTransition[],
    held: Map<string, string[]>,
    restricted: (subject: string, t: number, k: number) => string[],
    head: number,
    subjects: string[],
  ): string[] {
    const found: string[] = [];
    const state = new Map(held);
    const ids = new Set<string>();
    for (const t of received) {
      if (ids.has(t.id)) found.push(`${t.id}: sent twice`);
      ids.add(t.id);
      const before = state.get(t.subjectId) ?? [];
      const after = paths(t.restricted);
      // A record's transition tells the state just before its time, as known after it; what takes effect at that time
      // itself follows, at the instant (docs/http-api.md, change feeds).
      const validAt = Date.parse(t.at) - (t.id.split('-')[1] === '0' ? 1 : 0);
      const truth = restricted(t.subjectId, validAt, Number(t.asOfPosition));
      if (text(after) !== text(truth)) found.push(`${t.id}: restricted ${text(after)}, the oracle says ${text(truth)}`);
      if (text(after) === text(before)) found.push(`${t.id}: repeats what the client held (${text(before)})`);
      const change = {
        restricted: text(after.filter((p) => !before.includes(p))),
        unrestricted: text(before.filter((p) => !after.includes(p))),
      };
      const told = { restricted: text(paths(t.became.restricted)), unrestricted: text(paths(t.became.unrestricted)) };
      if (told.restricted !== change.restricted || told.unrestricted !== change.unrestricted)
        found.push(`${t.id}: became ${JSON.stringify(told)}, the client saw ${JSON.stringify(change)}`);
      state.set(t.subjectId, after);
    }
    for (const subject of subjects) {
      const final = text(restricted(subject, END, head));
      const holds = text(state.get(subject) ?? []);
      if (holds !== final) found.push(`${subject}: the client ends holding ${holds}, the oracle says ${final}`);
    }
    return found;
  }

  /**
   * One random history read by a client from now (the model having folded `lag ? a random number of : all` the events
   * recorded by then), then by a client resuming after a random id it was sent, with the model caught up and, when
   * `resumeLagging`, with the model as far behind as at first.
   */
  /** Transitions the clients from now were sent: the histories must give them something to check. */
  const tally = { sent: 0 };
  const property = (options: { lag: boolean; resumeLagging: boolean }) =>
    fc.asyncProperty(wideHistoryArbitrary, fc.nat(), fc.nat(), fc.nat(), async (events, k0, j0, r) => {
      const log = oracleLog(events);
      const restricted = restrictedBy(log);
      const subjects = [...new Set(log.flatMap((e) => namedSubjects(e.data)))].sort();
      // Now is the record time of the k-th event; the model has folded j of the events recorded by then.
      const now = Date.parse(events[k0 % events.length]!.recordedAt);
      const recordedByNow = events.filter((e) => Date.parse(e.recordedAt) <= now).length;
      const j = options.lag ? j0 % (recordedByNow + 1) : recordedByNow;
      const modelAtJ = events.slice(0, j).reduce(evolve, initialState());
      const key = nowKeyId(modelAtJ, now);
      const received = await readFeed(events, laggingReadModel(events, j), key);
      // A client from now holds what the model it connected to answers just before the key's time: the key is after
      // every record it had folded and every instant before that time (an instant at the time itself is still owed).
      const keyTime = Number(key.split('-')[0]);
      const held = new Map(subjects.map((s) => [s, restricted(s, keyTime - 1, j)]));
      expect(problems(received, held, restricted, events.length, subjects)).toEqual([]);
      tally.sent += received.length;
      if (!received.length) return;
      const i = r % received.length;
      const heldThen = new Map(held);
      for (const t of received.slice(0, i + 1)) heldThen.set(t.subjectId, paths(t.restricted));
      const models = [laggingReadModel(events, events.length)];
      if (options.resumeLagging) models.push(laggingReadModel(events, j));
      for (const model of models) {
        const resumed = await readFeed(events, model, received[i]!.id);
        expect(problems(resumed, heldThen, restricted, events.length, subjects)).toEqual([]);
      }
    });

  it('a client from now, the model caught up: every transition true, none skipped or repeated, and so resuming from any id', async () => {
    tally.sent = 0;
    await fc.assert(property({ lag: false, resumeLagging: false }), { numRuns: 60 });
    expect(tally.sent).toBeGreaterThan(600);
  }, 180_000);

  it('the same, the model lagging the log', async () => {
    tally.sent = 0;
    await fc.assert(property({ lag: true, resumeLagging: true }), { numRuns: 60 });
    expect(tally.sent).toBeGreaterThan(600);
  }, 180_000);
});
