/**
 * Replay (both orders), timeline and explain against the naive oracle, over
 * both shapes of random valid history (history-generator.ts: the default one,
 * and `WIDE`: four measures, exemptions and announcements each, instants at any
 * millisecond written with offsets, record times among the valid times,
 * citations): every transition the oracle shows is a step at its instant and
 * none elsewhere, each step's before and after are the oracle's states, and
 * every event credited with a change makes a difference to the oracle's answer
 * when it alone is left out, naming the citation standing for it; every part of
 * a step that changes (restricted, exempt, pending) is credited to some event
 * that changes it. Both ways, part by part: where some events tried at the
 * instant (standing events and standing corrections) each alone make a
 * difference to a part, its causes are exactly those, no more and no fewer. The timeline's intervals are the oracle's, measure by
 * measure. Explanations, asked on whole days and at the histories' own
 * instants and 1 ms either side, account for every exemption and give the
 * oracle's reason, and instant, where one does not apply.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainCheck } from '../../projections/explain.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { replaySubject, type Snapshot } from '../../projections/replay.js';
import { checkCategory, subjectTimeline } from '../../projections/subject-queries.js';
import { CategorySet, type CategorySetAnswer } from '../../src/domain/categories.js';
import { DAY, DAYS, EPOCH, HISTORIES, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { causeOracle, Comparison } from '../support/oracle-causes.js';
import { Oracle, oracleLog, type OracleEvent } from '../support/oracle.js';

const oracle = new Oracle(UNIVERSE);

const paths = (set: CategorySetAnswer) => pathsOf(set.categories, set.except);
const view = (s: Snapshot) => ({
  restricted: paths(s.restricted),
  exempt: paths(s.exempt),
  pending: [...new Set(s.pending)].sort(),
});
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

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
  // The citation a cause names: a correction's own, or the one standing for the event at k (a correction's, if any).
  const standingById = new Map(oracle.standing(log, k).map((e) => [e.eventId, e]));
  const citationOf = (eventId: string): unknown =>
    (standingById.get(eventId) ?? log.find((e) => e.eventId === eventId)!).data.citation;
  const o = causeOracle(oracle, log, subject, k);
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
    compared.add({ at: step.effectiveAt, before: view(step.before) }, { at: step.effectiveAt, before: o.state(t - 1) });
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
      compared.add(
        { cause: cause.eventId, citation: cause.citation },
        { cause: cause.eventId, citation: citationOf(cause.eventId) },
      );
    }
    // Each part of the step that changes (restricted, exempt, pending) is credited to some event that changes it.
    compared.add(
      { at: step.effectiveAt, uncredited: o.uncreditedParts(t, step.causes) },
      { at: step.effectiveAt, uncredited: [] },
    );
    // Both ways, part by part: where events make a difference to a part alone, its causes are exactly those
    // (corrections among them); the step's causes are every part's. Where some changed part has no such event, its
    // causes are found otherwise (each checked above), and those of the other parts are among the step's.
    const parts = o.decisiveParts(t);
    const decisive = [...new Set(parts.flatMap(([, ids]) => ids))].sort();
    if (decisive.length) {
      counted(decisive);
      const causes = step.causes.map((c) => c.eventId).sort();
      const exact = parts.every(([, ids]) => ids.length > 0);
      compared.add(
        { at: step.effectiveAt, causes: exact ? causes : causes.filter((id) => decisive.includes(id)) },
        { at: step.effectiveAt, causes: decisive },
      );
    }
    compared.add(
      { at: step.effectiveAt, eventId: step.eventId },
      { at: step.effectiveAt, eventId: step.causes.length === 1 ? step.causes[0]!.eventId : null },
    );
  }

  const timeline = subjectTimeline(model, subject, BigInt(k));
  // An interval begins where what some measure restricts changes, whether or not the union does.
  const byMeasure = (t: number) => [...o.answer(t).restricted].map(([m, set]) => [m, [...set].sort()]).sort();
  const restrictedChanges = instants.filter((t) => !same(byMeasure(t - 1), byMeasure(t)));
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
    // What each measure restricts over the interval, measure by measure.
    compared.add(
      { from: interval.from, byMeasure: interval.restricted.map((r) => [r.measureId, paths(r)]).sort() },
      {
        from: interval.from,
        byMeasure: [...o.answer(t).restricted].map(([m, set]) => [m, [...set].sort()]).sort(),
      },
    );
    compared.add(
      { from: interval.from, hasChanges: interval.changes.length > 0 },
      { from: interval.from, hasChanges: true },
    );
    // Where the union stays the same, the change is the breakdown's: its causes are those of the measures' shares.
    const only = same(o.state(t - 1).restricted, o.state(t).restricted) ? 'breakdown' : 'restricted';
    for (const change of interval.changes) {
      compared.add(
        { change: change.eventId, citation: change.citation },
        { change: change.eventId, citation: citationOf(change.eventId) },
      );
      const measureId = log.find((e) => e.eventId === change.eventId)!.measureId;
      const causes = interval.changes.map((c) => ({
        ...c,
        measureId: log.find((e) => e.eventId === c.eventId)!.measureId,
        role: 'starts' as const,
      }));
      const differs = o.makesADifference({ ...change, measureId, role: 'starts' }, t, only, causes);
      compared.add({ change, differs }, { change, differs: true });
    }
    const decisive = o.decisive(t, only);
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
  whyNot: { checked: number },
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
      (s) => s.kind === 'exemption' && s.measureId === measureId && s.sentence.startsWith(`Exemption ${exemptionId} `),
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
    const id = /^Exemption (\S+) /.exec(step.sentence)![1]!;
    expect(truth.exemptions.has(`${step.measureId}/${id}`)).toBe(false);
    // Why not, with the instant the oracle finds: revoked, not begun, ended, or not covering the subject, in that order.
    const ofMeasure = standing.filter((e) => e.measureId === step.measureId);
    const grant = ofMeasure.find((e) => e.type === 'ExemptionGranted' && e.data.exemptionId === id)!;
    const exemption = oracle.exemption(ofMeasure, grant, subject, at);
    const day = (instant: string) => {
      const text = new Date(Date.parse(instant)).toISOString();
      return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : text;
    };
    const why = exemption.revokedBy
      ? `it was revoked on ${day(exemption.revokedBy.data.effectiveFrom)}`
      : at < Date.parse(grant.data.effectiveFrom)
        ? `it begins on ${day(grant.data.effectiveFrom)}`
        : exemption.until !== undefined && Date.parse(exemption.until) <= at
          ? `it ended on ${day(exemption.until)}`
          : `it does not cover ${subject}`;
    const reason = step.sentence.slice(step.sentence.indexOf(': ') + 2);
    whyNot.checked++;
    expect({ sentence: step.sentence, reason: reason.startsWith(why) }).toEqual({
      sentence: step.sentence,
      reason: true,
    });
  }
}

/** Knowledge: mostly the whole history, sometimes a prefix of it. */
const knowledge = fc.oneof(
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.noBias(fc.integer({ min: 0, max: 1000 })).map((n) => n / 1000) },
);
/** Where an explanation is asked: on a whole day of the history's span, or at an instant it names or 1 ms either side. */
const askedAt = fc.oneof(
  fc.noBias(fc.integer({ min: -1, max: DAYS + 25 })).map((day) => ({ day, pick: 0, side: 0 })),
  fc.tuple(fc.nat(), fc.integer({ min: -1, max: 1 })).map(([pick, side]) => ({ day: undefined, pick, side })),
);

/**
 * Each shape of history, with the runs it gets and the least the histories must give the checks (measured at the
 * fixed seed, about half of it): fewer runs of each than either had alone, the two together covering both.
 */
const SHAPES = [
  {
    shape: 'default',
    histories: HISTORIES.default,
    runs: { validOrder: 300, recordOrder: 150, explanation: 180 },
    least: { steps: 630, checked: 1100, byCorrection: 125, whyNot: 25 },
  },
  {
    shape: 'wide',
    histories: HISTORIES.wide,
    runs: { validOrder: 120, recordOrder: 90, explanation: 120 },
    least: { steps: 400, checked: 700, byCorrection: 90, whyNot: 27 },
  },
];

describe('investigations/transitions.property', () => {
  describe.each(SHAPES)('replay, timeline and explain against the naive oracle, over $shape histories', (shape) => {
    it('replay in valid order and the timeline show every transition the oracle shows, and only those, each credited to events that make a difference, and to every event (correction or not) that alone does', () => {
      let steps = 0;
      const exactness: Exactness = { checked: 0, byCorrection: 0 };
      fc.assert(
        fc.property(
          shape.histories,
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
        { numRuns: shape.runs.validOrder },
      );
      // The histories must have transitions to check, or the comparison proves little.
      expect(steps).toBeGreaterThan(shape.least.steps);
      // Most changes have events that make a difference alone, and corrections are decisive for a share of them.
      expect(exactness.checked).toBeGreaterThan(shape.least.checked);
      expect(exactness.byCorrection).toBeGreaterThan(shape.least.byCorrection);
    });

    it('replay in record order gives each event the state as known just before and just after it, at the time it concerns', () => {
      fc.assert(
        fc.property(shape.histories, fc.constantFrom(...SUBJECTS), (events, subject) => {
          const model = events.reduce(evolve, initialState());
          checkRecordOrder(model, oracleLog(events), subject, events.length);
        }),
        { numRuns: shape.runs.recordOrder },
      );
    });

    it('an explanation accounts for every exemption covering the category, says why one does not apply as the oracle does, and its verdict rests on events with legal effect', () => {
      const whyNot = { checked: 0 };
      fc.assert(
        fc.property(
          shape.histories,
          knowledge,
          fc.constantFrom(...SUBJECTS),
          fc.array(fc.tuple(askedAt, fc.constantFrom(...UNIVERSE)), { minLength: 4, maxLength: 9 }),
          (events, fraction, subject, queries) => {
            const model = events.reduce(evolve, initialState());
            const log = oracleLog(events);
            const k = Math.round(fraction * events.length);
            const instants = Oracle.instants(log);
            for (const [{ day, pick, side }, category] of queries) {
              const at = day === undefined ? instants[pick % instants.length]! + side : EPOCH + day * DAY;
              checkExplanation(model, log, subject, k, at, category, whyNot);
            }
          },
        ),
        { numRuns: shape.runs.explanation },
      );
      expect(whyNot.checked).toBeGreaterThan(shape.least.whyNot);
    });
  });
});
