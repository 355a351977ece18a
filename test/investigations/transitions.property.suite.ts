/**
 * Replay (both orders), timeline and explain against the naive oracle, over
 * random valid histories: every transition the oracle shows is a step at its
 * instant and none elsewhere, each step's before and after are the oracle's
 * states, and every event credited with a change makes a difference to the
 * oracle's answer when it alone is left out. Both ways: where some events
 * tried at the instant (standing events and standing corrections) each alone
 * make a difference, the causes are exactly those, no more and no fewer.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainCheck } from '../../projections/explain.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { replaySubject, type Cause, type Snapshot } from '../../projections/replay.js';
import { checkCategory, subjectTimeline } from '../../projections/subject-queries.js';
import { CategorySet, type CategorySetAnswer } from '../../src/domain/categories.js';
import { DAY, DAYS, EPOCH, historyArbitrary, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog, type OracleAnswer, type OracleEvent } from '../support/oracle.js';

describe('investigations/transitions.property', () => {
  const oracle = new Oracle(UNIVERSE);

  const paths = (set: CategorySetAnswer) => pathsOf(set.categories, set.except);
  const view = (s: Snapshot) => ({
    restricted: paths(s.restricted),
    exempt: paths(s.exempt),
    pending: [...new Set(s.pending)].sort(),
  });
  const restrictedOnly = (u: ReturnType<typeof Oracle.union>) => ({
    restricted: u.restricted,
    exempt: [],
    pending: [],
  });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  /** The oracle at one (subject, knowledge), memoised per instant and per left-out event. */
  function oracleOf(log: OracleEvent[], subject: string, k: number) {
    const cache = new Map<string, OracleAnswer>();
    const standing = new Map<string, OracleEvent[]>();
    const answer = (t: number, without?: string) => {
      const key = `${t}/${without ?? ''}`;
      const left = new Set(without?.split(',') ?? []);
      if (!standing.has(without ?? ''))
        standing.set(
          without ?? '',
          oracle.standing(
            log.filter((e) => !left.has(e.eventId) && !left.has(e.data.eventId)),
            k,
          ),
        );
      if (!cache.has(key)) cache.set(key, oracle.answerFrom(standing.get(without ?? '')!, subject, t));
      return cache.get(key)!;
    };
    const state = (t: number, without?: string) => Oracle.union(answer(t, without));
    /**
     * Whether leaving the cause out changes the change at t (in the union, or in
     * its own measure's answer when no single event does), or, when the change
     * is overdetermined, leaving out with it the other causes of its measure does.
     */
    const makesADifference = (cause: Cause, t: number, only: 'all' | 'restricted', all: Cause[]): boolean => {
      if (differs(cause, t, only, cause.eventId)) return true;
      const group = all.filter((c) => c.measureId === cause.measureId);
      const alone = group.every((c) => !differs(c, t, only, c.eventId));
      const together = group.map((c) => c.eventId).join(',');
      // Credited jointly, it brings its measure's change about alone (the others left out), unless none of them does.
      const sufficient = (c: Cause) =>
        same(
          ownChange(
            c.measureId,
            t,
            group
              .filter((o) => o.eventId !== c.eventId)
              .map((o) => o.eventId)
              .join(','),
          ),
          ownChange(c.measureId, t),
        );
      const needed = sufficient(cause) || !group.some(sufficient);
      return group.length > 1 && alone && differs(cause, t, 'all', together) && needed;
    };
    /** What a measure's part of the subject's answer became and stopped being from just before t to t. */
    const ownChange = (measureId: string, t: number, without?: string) => {
      const part = (a: OracleAnswer) => ({
        restricted: [...(a.restricted.get(measureId) ?? [])],
        exempt: [...(a.exempt.get(measureId) ?? [])],
        pending: [...a.pending].filter((p) => p.startsWith(`${measureId}/`)),
      });
      const [was, is] = [part(answer(t - 1, without)), part(answer(t, without))];
      const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).sort();
      return (['restricted', 'exempt', 'pending'] as const).map((k) => [diff(is[k], was[k]), diff(was[k], is[k])]);
    };
    const differs = (cause: Cause, t: number, only: 'all' | 'restricted', without: string) => {
      const pick = only === 'all' ? (x: ReturnType<typeof Oracle.union>) => x : restrictedOnly;
      const change = (w?: string) => [pick(state(t - 1, w)), pick(state(t, w))];
      if (!same(change(), change(without))) return true;
      // Overdetermined changes: the cause's own part of the answer, before or at t, must differ without it.
      const own = (a: OracleAnswer) => [
        [...(a.restricted.get(cause.measureId) ?? [])].sort(),
        [...(a.exempt.get(cause.measureId) ?? [])].sort(),
        [...a.exemptions].sort(),
        [...a.pending].sort(),
      ];
      return [t - 1, t].some((x) => !same(own(answer(x)), own(answer(x, without))));
    };
    /** What became and stopped being true from just before t to t, in the aspect, with an event left out. */
    const changeOf = (t: number, aspect: 'all' | 'restricted', without?: string) => {
      const [was, is] = [state(t - 1, without), state(t, without)];
      const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
      const fields = aspect === 'all' ? (['restricted', 'exempt', 'pending'] as const) : (['restricted'] as const);
      return fields.map((f) => [diff(is[f], was[f]), diff(was[f], is[f])]);
    };
    const tried = triedAt(log, k);
    /** The events tried at t whose absence alone removes or moves the change there, sorted. */
    const decisive = (t: number, aspect: 'all' | 'restricted'): string[] =>
      [...(tried.get(t) ?? [])].filter((id) => !same(changeOf(t, aspect), changeOf(t, aspect, id))).sort();
    return { answer, state, makesADifference, decisive };
  }

  /**
   * The events a cause is looked for among at each instant (transitions.ts): each standing event at the instants it
   * names (an amendment or revocation also at those of the grant it amends), and each event's latest standing
   * correction at the instants of the event as corrected and as it stood before (the previous correction, or itself).
   */
  function triedAt(log: OracleEvent[], k: number): Map<number, Set<string>> {
    const known = log.filter((e) => e.position <= k);
    const memo = new Map<string, boolean>();
    const retracted = (id: string): boolean => {
      if (!memo.has(id))
        memo.set(
          id,
          known.some((r) => r.type === 'EntryRetracted' && r.data.eventId === id && !retracted(r.eventId)),
        );
      return memo.get(id)!;
    };
    const standing = oracle.standing(log, k);
    const tried = new Map<number, Set<string>>();
    const namedBy = (event: OracleEvent, data: Record<string, any>, id: string) => {
      const grants = ['ExemptionAmended', 'ExemptionRevoked'].includes(event.type)
        ? standing.filter(
            (g) =>
              g.type === 'ExemptionGranted' &&
              g.measureId === event.measureId &&
              g.data.exemptionId === data.exemptionId,
          )
        : [];
      for (const source of [data, ...grants.map((g) => g.data)])
        for (const field of ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'])
          if (typeof source[field] === 'string') {
            const t = Date.parse(source[field]);
            (tried.get(t) ?? tried.set(t, new Set()).get(t)!).add(id);
          }
    };
    for (const event of standing) {
      namedBy(event, event.data, event.eventId);
      const corrections = known
        .filter((c) => c.type === 'EntryCorrected' && c.data.eventId === event.eventId && !retracted(c.eventId))
        .sort((a, b) => a.position - b.position);
      const latest = corrections.at(-1);
      if (!latest) continue;
      const before = corrections.at(-2)?.data.replacement ?? known.find((e) => e.eventId === event.eventId)!.data;
      namedBy(event, event.data, latest.eventId);
      namedBy(event, before, latest.eventId);
    }
    return tried;
  }

  /**
   * What replay answered beside what the oracle says, compared in one expect per check: an expect call costs more
   * than the comparison it makes, and these run thousands of times.
   */
  class Comparison {
    private readonly actual: unknown[] = [];
    private readonly expected: unknown[] = [];

    add(actual: unknown, expected: unknown): void {
      this.actual.push(actual);
      this.expected.push(expected);
    }

    assert(): void {
      expect(this.actual).toEqual(this.expected);
    }
  }

  /** How many changes had their causes checked both ways, and how many of those a correction was decisive for. */
  interface Exactness {
    checked: number;
    byCorrection: number;
  }

  function checkValidOrder(
    model: LedgerReadModel,
    log: OracleEvent[],
    subject: string,
    k: number,
    instants: number[],
    exactness: Exactness,
  ) {
    const corrections = new Set(log.filter((e) => e.type === 'EntryCorrected').map((e) => e.eventId));
    const counted = (decisive: string[]) => {
      exactness.checked++;
      if (decisive.some((id) => corrections.has(id))) exactness.byCorrection++;
    };
    const o = oracleOf(log, subject, k);
    const replay = replaySubject(model, subject, { order: 'valid', asOfPosition: BigInt(k) });
    const expected = instants.filter((t) => !same(o.state(t - 1), o.state(t)));
    const changed = replay.steps.filter((s) => !s.unchanged);
    const compared = new Comparison();
    compared.add(
      changed.map((s) => Date.parse(s.effectiveAt)),
      expected,
    );
    for (const step of replay.steps) {
      const t = Date.parse(step.effectiveAt);
      compared.add(
        { at: step.effectiveAt, before: view(step.before) },
        { at: step.effectiveAt, before: o.state(t - 1) },
      );
      compared.add({ at: step.effectiveAt, after: view(step.after) }, { at: step.effectiveAt, after: o.state(t) });
      if (step.unchanged) {
        compared.add(
          { at: step.effectiveAt, unchangedCauses: step.causes },
          { at: step.effectiveAt, unchangedCauses: [] },
        );
        continue;
      }
      compared.add(
        { at: step.effectiveAt, hasCauses: step.causes.length > 0 },
        { at: step.effectiveAt, hasCauses: true },
      );
      for (const cause of step.causes) {
        const differs = o.makesADifference(cause, t, 'all', step.causes);
        compared.add({ cause, t: step.effectiveAt, differs }, { cause, t: step.effectiveAt, differs: true });
      }
      // Both ways: where events make a difference alone, the causes are exactly those (corrections among them).
      const decisive = o.decisive(t, 'all');
      if (decisive.length) {
        counted(decisive);
        compared.add(
          { at: step.effectiveAt, causes: step.causes.map((c) => c.eventId).sort() },
          { at: step.effectiveAt, causes: decisive },
        );
      }
      compared.add(
        { at: step.effectiveAt, eventId: step.eventId },
        { at: step.effectiveAt, eventId: step.causes.length === 1 ? step.causes[0]!.eventId : null },
      );
    }

    const timeline = subjectTimeline(model, subject, BigInt(k));
    const restrictedChanges = instants.filter((t) => !same(o.state(t - 1).restricted, o.state(t).restricted));
    compared.add(
      timeline.intervals.map((i) => Date.parse(i.from)),
      restrictedChanges,
    );
    for (const interval of timeline.intervals) {
      const t = Date.parse(interval.from);
      const union = interval.restricted.reduce((set, r) => set.union(CategorySet.fromAnswer(r)), CategorySet.EMPTY);
      compared.add(
        { from: interval.from, restricted: paths(union.toAnswer()) },
        { from: interval.from, restricted: o.state(t).restricted },
      );
      compared.add(
        { from: interval.from, hasChanges: interval.changes.length > 0 },
        { from: interval.from, hasChanges: true },
      );
      for (const change of interval.changes) {
        const measureId = log.find((e) => e.eventId === change.eventId)!.measureId;
        const causes = interval.changes.map((c) => ({
          ...c,
          measureId: log.find((e) => e.eventId === c.eventId)!.measureId,
          role: 'starts' as const,
        }));
        const differs = o.makesADifference({ ...change, measureId, role: 'starts' }, t, 'restricted', causes);
        compared.add({ change, differs }, { change, differs: true });
      }
      const decisive = o.decisive(t, 'restricted');
      if (decisive.length) {
        counted(decisive);
        compared.add(
          { from: interval.from, changes: interval.changes.map((c) => c.eventId).sort() },
          { from: interval.from, changes: decisive },
        );
      }
    }
    compared.assert();
  }

  function checkRecordOrder(model: LedgerReadModel, log: OracleEvent[], subject: string, k: number) {
    const replay = replaySubject(model, subject, { order: 'record', asOfPosition: BigInt(k) });
    const compared = new Comparison();
    for (const step of replay.steps) {
      const t = Date.parse(step.effectiveAt);
      const position = Number(step.position);
      compared.add(
        { position, before: view(step.before), after: view(step.after), causes: step.causes.map((c) => c.eventId) },
        {
          position,
          before: Oracle.union(oracle.answer(log, subject, t, position - 1)),
          after: Oracle.union(oracle.answer(log, subject, t, position)),
          causes: step.unchanged ? [] : [step.eventId],
        },
      );
    }
    compared.assert();
  }

  function checkExplanation(
    model: LedgerReadModel,
    log: OracleEvent[],
    subject: string,
    k: number,
    at: number,
    category: string,
  ) {
    const answer = checkCategory(model, subject, category, { at, asOfPosition: BigInt(k) });
    const explanation = explainCheck(model, answer, { at, asOfPosition: BigInt(k) });
    const byId = new Map(log.map((e) => [e.eventId, e]));
    // The verdict rests on events with legal effect.
    expect(explanation.at(-1)!.events.every((e) => byId.get(e.eventId)!.type !== 'EasingAnnounced')).toBe(true);
    const truth = oracle.answer(log, subject, at, k);
    const standing = oracle.standing(log, k);
    const involved = new Set(answer.measures.map((m) => m.measureId));
    const mentioned = (measureId: string, exemptionId: string) =>
      explanation.some(
        (s) =>
          s.kind === 'exemption' && s.measureId === measureId && s.sentence.startsWith(`Exemption ${exemptionId} `),
      );
    for (const grant of standing.filter((e) => e.type === 'ExemptionGranted' && involved.has(e.measureId))) {
      const id = grant.data.exemptionId as string;
      const amended = standing.some(
        (e) => e.measureId === grant.measureId && e.type === 'ExemptionAmended' && e.data.exemptionId === id,
      );
      const overlaps = [...oracle.expand([category])].some((p) => oracle.expand(grant.data.categories).has(p));
      if (amended || !overlaps) continue;
      const applies = truth.exemptions.has(`${grant.measureId}/${id}`);
      // Every exemption covering the category is accounted for, applying or not.
      expect({ grant: id, at: new Date(at).toISOString(), mentioned: mentioned(grant.measureId, id) }).toMatchObject({
        mentioned: true,
      });
      if (!applies) {
        const why = explanation.find(
          (s) =>
            s.measureId === grant.measureId &&
            s.sentence.startsWith(`Exemption ${id} `) &&
            s.sentence.includes('does not apply'),
        );
        if (why) expect(why.sentence).toMatch(/revoked on|begins on|ended on|does not cover/);
      }
    }
    for (const step of explanation.filter((s) => s.kind === 'exemption' && s.sentence.includes('does not apply'))) {
      const id = /^Exemption (\S+) /.exec(step.sentence)![1];
      expect(truth.exemptions.has(`${step.measureId}/${id}`)).toBe(false);
    }
  }

  /** Knowledge: mostly the whole history, sometimes a prefix of it. */
  const knowledge = fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.noBias(fc.integer({ min: 0, max: 1000 })).map((n) => n / 1000) },
  );
  const validTime = fc.noBias(fc.integer({ min: -1, max: DAYS + 25 })).map((d) => EPOCH + d * DAY);

  describe('replay, timeline and explain against the naive oracle', () => {
    it('replay in valid order and the timeline show every transition the oracle shows, and only those, each credited to events that make a difference, and to every event (correction or not) that alone does', () => {
      let steps = 0;
      const exactness: Exactness = { checked: 0, byCorrection: 0 };
      fc.assert(
        fc.property(
          historyArbitrary,
          knowledge,
          fc.subarray(SUBJECTS, { minLength: 2, maxLength: 2 }),
          (events, fraction, subjects) => {
            const model = events.reduce(evolve, initialState());
            const log = oracleLog(events);
            const k = Math.round(fraction * events.length);
            const instants = Oracle.instants(log.filter((e) => e.position <= k));
            for (const subject of subjects) {
              checkValidOrder(model, log, subject, k, instants, exactness);
              steps += replaySubject(model, subject, { order: 'valid', asOfPosition: BigInt(k) }).steps.filter(
                (s) => !s.unchanged,
              ).length;
            }
          },
        ),
        { numRuns: 500 },
      );
      // The histories must have transitions to check, or the comparison proves little.
      expect(steps).toBeGreaterThan(2000);
      // Most changes have events that make a difference alone, and corrections are decisive for a good share of them.
      expect(exactness.checked).toBeGreaterThan(2000);
      expect(exactness.byCorrection).toBeGreaterThan(200);
    });

    it('replay in record order gives each event the state as known just before and just after it, at the time it concerns', () => {
      fc.assert(
        fc.property(historyArbitrary, fc.constantFrom(...SUBJECTS), (events, subject) => {
          const model = events.reduce(evolve, initialState());
          checkRecordOrder(model, oracleLog(events), subject, events.length);
        }),
        { numRuns: 250 },
      );
    });

    it('an explanation accounts for every exemption covering the category, and its verdict rests on events with legal effect', () => {
      fc.assert(
        fc.property(
          historyArbitrary,
          knowledge,
          fc.constantFrom(...SUBJECTS),
          fc.array(fc.tuple(validTime, fc.constantFrom(...UNIVERSE)), { minLength: 3, maxLength: 6 }),
          (events, fraction, subject, queries) => {
            const model = events.reduce(evolve, initialState());
            const log = oracleLog(events);
            const k = Math.round(fraction * events.length);
            for (const [at, category] of queries) checkExplanation(model, log, subject, k, at, category);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
