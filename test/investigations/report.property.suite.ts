/**
 * The auditor's report against the naive oracle over both shapes of random valid history (history-generator.ts: the
 * default one, and `WIDE`), random subjects and knowledge, asked on whole days, at any millisecond of the history's
 * span, and at the instants a history names and 1 ms either side: its state and verdicts are the oracle's; since when
 * each restriction has held without a break, and since when exactly its categories, are the oracle's (walking back
 * over the instants the history names; where all are whole days, also day by day); every basis event was recorded by
 * the position answered for, in a measure that names the subject, once, in log order, with its citation, and with an
 * inclusion proof an independent RFC 9162 verifier accepts.
 */
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { foldIntegrity, LogIntegrity } from '../../src/integrity/log-integrity.js';
import { buildReport } from '../../src/investigations/report.js';
import { fixedStore } from '../changes/feed-fixtures.js';
import {
  AFFILIATES,
  DAY,
  EPOCH,
  HISTORIES,
  imposition,
  pathsOf,
  realise,
  SUBJECTS,
  UNIVERSE,
  validTime,
} from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';
import { leaf, verifyInclusion } from '../support/rfc9162.js';

/**
 * Where a report is asked: on a whole day of the history's span or any millisecond of it, or at an instant the history
 * names (`pick`) or 1 ms either side of it.
 */
const askedAt = fc.oneof(
  validTime.map((at) => ({ at, pick: undefined })),
  fc.nat().map((pick) => ({ at: undefined, pick })),
);

/**
 * Each shape of history, with the runs it gets and the least its restrictions must have changed categories while they
 * held (measured at the fixed seed, about half of it): fewer runs of each than either had alone.
 */
const SHAPES = [
  { shape: 'default', histories: HISTORIES.default, runs: 180, least: { dated: 3 } },
  { shape: 'wide', histories: HISTORIES.wide, runs: 160, least: { dated: 4 } },
];

describe('investigations/report.property', () => {
  const oracle = new Oracle(UNIVERSE);

  const paths = (categories: string[], except: string[]) => pathsOf(categories, except).join(' ');

  const iso = (ms: number) => new Date(ms).toISOString();

  // One report named two citations for the same event: its basis list the citation as first recorded, its state's
  // basis (and the measure's citation) the one a correction put in its place. One citation per event: as it stands.
  it('a report names one citation for an event whose citation a correction changed', async () => {
    const events = realise([
      imposition({ citation: '84 FR 22961' }),
      { kind: 'correct', measureId: 'm1', pick: 0, shift: 0, citation: '84 FR 22962' },
    ]);
    const store = fixedStore(events);
    const report = await buildReport(
      events.reduce(evolve, initialState()),
      store,
      await foldIntegrity(store, new LogIntegrity(false)),
      's1',
      { at: Date.parse('2019-02-01'), asOfPosition: 2n, asOf: iso(0) },
      new Date(0),
    );
    const imposed = events[0]!.eventId;
    const cited = [
      ...report.basis.filter((b) => b.eventId === imposed).map((b) => b.citation),
      ...report.state.restricted.flatMap((r) => r.basis.filter((b) => b.eventId === imposed).map((b) => b.citation)),
    ];
    expect(new Set(cited).size).toBe(1);
  });

  describe.each(SHAPES)('the report against the naive oracle, over $shape histories', (shape) => {
    it('states, judges and dates each restriction as the oracle does, and proves every basis event', async () => {
      let dated = 0;
      await fc.assert(
        fc.asyncProperty(
          shape.histories,
          fc.constantFrom(...SUBJECTS, AFFILIATES[0]!),
          askedAt,
          fc.noBias(fc.integer({ min: 0, max: 1000 })),
          async (events, subject, asked, permille) => {
            const instants = Oracle.instants(oracleLog(events));
            const at = asked.at ?? instants[asked.pick % instants.length]! + ((asked.pick % 3) - 1);
            const model = events.reduce(evolve, initialState());
            const store = fixedStore(events);
            const integrity = await foldIntegrity(store, new LogIntegrity(false));
            const asOfPosition = BigInt(Math.round((permille / 1000) * events.length));
            const report = await buildReport(
              model,
              store,
              integrity,
              subject,
              { at, asOfPosition, asOf: iso(0) },
              new Date(0),
            );

            const log = oracleLog(events);
            const standing = oracle.standing(log, Number(asOfPosition));
            const restrictedAt = (t: number) =>
              new Map(
                [...oracle.answerFrom(standing, subject, t).restricted].map(([m, set]) => [
                  m,
                  [...set].sort().join(' '),
                ]),
              );
            const expected = oracle.answerFrom(standing, subject, at);
            const standingById = new Map(standing.map((e) => [e.eventId, e]));

            // The state and the verdicts.
            expect(new Map(report.state.restricted.map((r) => [r.measureId, paths(r.categories, r.except)]))).toEqual(
              restrictedAt(at),
            );
            for (const verdict of report.verdicts)
              expect(verdict.status).toBe(oracle.status(expected, verdict.category));

            // Since when: the oracle walks back over the instants the history names.
            for (const restriction of report.state.restricted) {
              const since = oracle.restrictedSince(standing, subject, restriction.measureId, at)!;
              // Where every instant is a whole day, answers hold from one day to the next: walk back a day at a time.
              if (instants.every((t) => (t - EPOCH) % DAY === 0)) {
                const now = restrictedAt(at).get(restriction.measureId)!;
                const dayOf = (ms: number) => EPOCH + Math.floor((ms - EPOCH) / DAY) * DAY;
                let restrictedSince = dayOf(at);
                while (restrictedAt(restrictedSince - 1).has(restriction.measureId)) restrictedSince -= DAY;
                let categoriesSince = dayOf(at);
                while (restrictedAt(categoriesSince - 1).get(restriction.measureId) === now) categoriesSince -= DAY;
                expect({ measureId: restriction.measureId, restrictedSince, categoriesSince }).toEqual({
                  measureId: restriction.measureId,
                  restrictedSince: since.restricted,
                  categoriesSince: since.categories,
                });
              }
              expect({
                measureId: restriction.measureId,
                restrictedSince: restriction.restrictedSince,
                categoriesSince: restriction.categoriesSince,
              }).toEqual({
                measureId: restriction.measureId,
                restrictedSince: iso(since.restricted),
                categoriesSince: iso(since.categories),
              });
              if (since.restricted !== since.categories) dated++;
            }

            // The basis: known by then, of the subject's measures, once each, in log order, each proven.
            const measuresNaming = new Set(
              log
                .filter((e) => e.position <= Number(asOfPosition) && JSON.stringify(e.data).includes(`"${subject}"`))
                .map((e) => e.measureId),
            );
            const positions = report.basis.map((b) => Number(b.position));
            expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
            const root = Buffer.from(report.digest.rootHash, 'hex');
            for (const b of report.basis) {
              expect(Number(b.position)).toBeLessThanOrEqual(Number(asOfPosition));
              expect(measuresNaming).toContain(b.measureId);
              const event = events.find((e) => e.eventId === b.eventId)!;
              // The citation where no correction changed it (where one did, see the failing test below).
              const recorded = (event.data as { citation?: string }).citation;
              const standingCitation = (standingById.get(b.eventId)?.data as { citation?: string } | undefined)
                ?.citation;
              const unchanged = !standingById.has(b.eventId) || standingCitation === recorded;
              expect({
                type: b.type,
                position: b.position,
                recordedAt: b.recordedAt,
                ...(unchanged ? { citation: b.citation } : {}),
              }).toEqual({
                type: event.type,
                position: String(event.position),
                recordedAt: event.recordedAt,
                ...(unchanged ? { citation: recorded } : {}),
              });
              const hash = leaf(Buffer.from(canonicalize(b.proof.leaf)!, 'utf8'));
              expect(
                verifyInclusion(
                  b.proof.leafIndex,
                  report.digest.treeSize,
                  hash,
                  b.proof.auditPath.map((h) => Buffer.from(h, 'hex')),
                  root,
                ),
              ).toBe(true);
            }
            // Every element of the state names its basis in the report.
            const cited = new Set(report.basis.map((b) => b.eventId));
            for (const element of [...report.state.restricted, ...report.state.exemptions, ...report.state.pending]) {
              for (const b of element.basis) expect(cited).toContain(b.eventId);
            }
            // And every event the timeline says changed it, so that why an interval began can be checked too.
            for (const interval of report.timeline.intervals)
              for (const change of interval.changes) expect(cited).toContain(change.eventId);
          },
        ),
        { numRuns: shape.runs },
      );
      // The generator must produce restrictions whose categories changed while they held, or "categoriesSince" is untested.
      expect(dated).toBeGreaterThan(shape.least.dated);
    });
  });
});
