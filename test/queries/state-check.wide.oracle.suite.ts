/**
 * State and check against the naive oracle over wide histories (history-generator.ts, `WIDE`): four measures,
 * four exemptions and announcements each, instants at any millisecond written with offsets or as bare dates, record
 * times among the valid times, citations and sources. Asked at every instant the history names and 1 ms either
 * side of it (the only places an answer can change), as known at the whole log (or a random prefix) and at a random
 * record time; each element's basis names events known then, with their record times and citations.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState, positionAsOf, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { checkCategory, subjectState } from '../../projections/subject-queries.js';
import type { BasisEntry } from '../../src/domain/basis.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { parseCommand } from '../../src/ledger/parse-command.js';
import {
  AFFILIATES,
  pathsOf,
  SUBJECTS,
  UNIVERSE,
  wideHistoryArbitrary,
  writtenCommandsArbitrary,
} from '../support/history-generator.js';
import { Oracle, oracleLog, type OracleEvent } from '../support/oracle.js';

const oracle = new Oracle(UNIVERSE);
const ASKED = [...SUBJECTS, AFFILIATES[6]!, 'stranger'];
const iso = (ms: number) => new Date(ms).toISOString();

/** Every instant the log names, and 1 ms either side. */
const aroundInstants = (log: OracleEvent[]) => [...new Set(Oracle.instants(log).flatMap((t) => [t - 1, t, t + 1]))];

/** What a basis entry should say of its event: its position, record time, and the citation standing for it at k. */
function basisTruth(events: LoggedEvent[], standing: OracleEvent[]) {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const standingById = new Map(standing.map((e) => [e.eventId, e]));
  return (entry: BasisEntry) => {
    const event = byId.get(entry.eventId)!;
    const data = (standingById.get(entry.eventId)?.data ?? event.data) as { citation?: string };
    return {
      eventId: event.eventId,
      type: event.type,
      position: String(event.position),
      recordedAt: event.recordedAt,
      ...(data.citation ? { citation: data.citation } : {}),
    };
  };
}

function compareAt(model: LedgerReadModel, events: LoggedEvent[], k: number, instants: number[]): number {
  const log = oracleLog(events);
  const standing = oracle.standing(log, k);
  const truth = basisTruth(events, standing);
  const known = new Set(events.filter((e) => Number(e.position) <= k).map((e) => e.eventId));
  const actual: unknown[] = [];
  const expected: unknown[] = [];
  let restricting = 0;
  for (const at of instants) {
    for (const subject of ASKED) {
      const answer = oracle.answerFrom(standing, subject, at);
      const state = subjectState(model, subject, { at, asOfPosition: BigInt(k) });
      const question = { subject, at: iso(at), k };
      const exemptionsOf = (measureId: string, exemptionId: string) => {
        const ofMeasure = standing.filter((e) => e.measureId === measureId);
        const grant = ofMeasure.find((e) => e.type === 'ExemptionGranted' && e.data.exemptionId === exemptionId)!;
        const exemption = oracle.exemption(ofMeasure, grant, subject, at);
        return {
          effectiveFrom: grant.data.effectiveFrom,
          effectiveUntil: exemption.until ?? null,
          paths: [...exemption.categories].sort(),
        };
      };
      actual.push({
        ...question,
        restricted: state.restricted.map((r) => [r.measureId, pathsOf(r.categories, r.except), r.citation]).sort(),
        exemptions: state.exemptions
          .map((e) => [
            `${e.measureId}/${e.exemptionId}`,
            {
              effectiveFrom: e.effectiveFrom,
              effectiveUntil: e.effectiveUntil,
              paths: pathsOf(e.categories, e.except),
            },
          ])
          .sort(),
        pending: state.pending.map((p) => `${p.measureId}/${p.announcementId ?? 'imposition'}`).sort(),
      });
      expected.push({
        ...question,
        restricted: [...answer.restricted]
          .map(([m, set]) => [
            m,
            [...set].sort(),
            standing.find((e) => e.measureId === m && e.type === 'RestrictionImposed')!.data.citation,
          ])
          .sort(),
        exemptions: [...answer.exemptions]
          .map((key) => [key, exemptionsOf(...(key.split('/') as [string, string]))])
          .sort(),
        pending: [...answer.pending].sort(),
      });
      const bases = [
        ...state.restricted.flatMap((r) => r.basis),
        ...state.exemptions.flatMap((e) => e.basis),
        ...state.pending.flatMap((p) => p.basis),
      ];
      for (const category of ['x', 'x/y', 'y/x/y']) {
        const check = checkCategory(model, subject, category, { at, asOfPosition: BigInt(k) });
        actual.push({ ...question, category, status: check.status });
        expected.push({ ...question, category, status: oracle.status(answer, category) });
        bases.push(...check.basis);
      }
      // Every basis entry names an event known at k, as recorded, with the citation standing for it.
      actual.push({ ...question, basis: bases.map((b) => ({ ...b, known: known.has(b.eventId) })) });
      expected.push({ ...question, basis: bases.map((b) => ({ ...truth(b), known: true })) });
      if (answer.restricted.size) restricting++;
    }
  }
  expect(actual).toEqual(expected);
  return restricting;
}

describe('queries/state-check.wide.oracle', () => {
  it('every command, written with offsets, bare dates and any fraction, is read as the command meant', () => {
    let commands = 0;
    fc.assert(
      fc.property(writtenCommandsArbitrary, (pairs) => {
        for (const { text, meant } of pairs) expect(parseCommand(text).command).toEqual(meant);
        commands += pairs.length;
      }),
      { numRuns: 30 },
    );
    expect(commands).toBeGreaterThan(200);
  });

  it('answers state and check as the oracle at every instant a wide history names and 1 ms either side, as known at the whole log (or a prefix) and at a record time', () => {
    let restricting = 0;
    fc.assert(
      fc.property(wideHistoryArbitrary, fc.nat(), fc.nat(), (events, prefix, recordPick) => {
        const model = events.reduce(evolve, initialState());
        const instants = aroundInstants(oracleLog(events));
        const first = Date.parse(events[0]!.recordedAt);
        const last = Date.parse(events.at(-1)!.recordedAt);
        const asOf = first - 1 + (recordPick % (last - first + 3));
        const byRecordTime = Number(positionAsOf(model, asOf));
        expect(byRecordTime).toBe(events.filter((e) => Date.parse(e.recordedAt) <= asOf).length);
        for (const k of new Set([prefix % 3 ? events.length : prefix % (events.length + 1), byRecordTime]))
          restricting += compareAt(model, events, k, instants);
      }),
      { numRuns: 20 },
    );
    expect(restricting).toBeGreaterThan(400);
  }, 120_000);
});
