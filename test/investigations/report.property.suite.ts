/**
 * The auditor's report against the naive oracle, over random valid histories
 * and random (subject, at, asOf): its state and verdicts are the oracle's;
 * since when each restriction has held without a break, and since when it has
 * held exactly its categories, are what walking back day by day through the
 * oracle's answers finds; every basis event was recorded by the position
 * answered for, in a measure that names the subject, once, in log order, with
 * an inclusion proof an independent RFC 9162 verifier accepts against the
 * report's digest.
 */
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { foldIntegrity, LogIntegrity } from '../../src/integrity/log-integrity.js';
import { buildReport } from '../../src/investigations/report.js';
import { fixedStore } from '../changes/feed-fixtures.js';
import { DAY, DAYS, EPOCH, historyArbitrary, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';
import { leaf, verifyInclusion } from '../support/rfc9162.js';

describe('investigations/report.property', () => {
  const oracle = new Oracle(UNIVERSE);

  const paths = (categories: string[], except: string[]) => pathsOf(categories, except).join(' ');

  /** Every instant a generated history names is a day boundary, so answers are constant from one boundary to the next. */
  const dayOf = (ms: number) => EPOCH + Math.floor((ms - EPOCH) / DAY) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();

  const validTime = fc.oneof(
    fc.noBias(fc.integer({ min: -1, max: DAYS + 25 })).map((d) => EPOCH + d * DAY),
    fc.noBias(fc.integer({ min: -1 * DAY, max: (DAYS + 25) * DAY })).map((offset) => EPOCH + offset),
  );

  describe('the report against the naive oracle', () => {
    it('states, judges and dates each restriction as the oracle does, and proves every basis event', async () => {
      let dated = 0;
      await fc.assert(
        fc.asyncProperty(
          historyArbitrary,
          fc.constantFrom(...SUBJECTS),
          validTime,
          fc.noBias(fc.integer({ min: 0, max: 1000 })),
          async (events, subject, at, permille) => {
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

            // The state and the verdicts.
            expect(new Map(report.state.restricted.map((r) => [r.measureId, paths(r.categories, r.except)]))).toEqual(
              restrictedAt(at),
            );
            for (const verdict of report.verdicts)
              expect(verdict.status).toBe(oracle.status(expected, verdict.category));

            // Since when: walk back a day at a time while the day before still holds.
            for (const restriction of report.state.restricted) {
              const now = restrictedAt(at).get(restriction.measureId)!;
              let restrictedSince = dayOf(at);
              while (restrictedAt(restrictedSince - 1).has(restriction.measureId)) restrictedSince -= DAY;
              let categoriesSince = dayOf(at);
              while (restrictedAt(categoriesSince - 1).get(restriction.measureId) === now) categoriesSince -= DAY;
              expect({
                measureId: restriction.measureId,
                restrictedSince: restriction.restrictedSince,
                categoriesSince: restriction.categoriesSince,
              }).toEqual({
                measureId: restriction.measureId,
                restrictedSince: iso(restrictedSince),
                categoriesSince: iso(categoriesSince),
              });
              if (restrictedSince !== categoriesSince) dated++;
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
              expect({ type: b.type, position: b.position, recordedAt: b.recordedAt }).toEqual({
                type: event.type,
                position: String(event.position),
                recordedAt: event.recordedAt,
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
          },
        ),
        { numRuns: 300 },
      );
      // The generator must produce restrictions whose categories changed while they held, or "categoriesSince" is untested.
      expect(dated).toBeGreaterThan(10);
    });
  });
});
