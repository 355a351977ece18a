/**
 * Wide histories sent over HTTP as clients write them (history-generator.ts, `WIDE`: instants with offsets such as
 * +05:30 and -14:00, bare dates, no seconds or nine fraction digits, citations and sources), then asked about with
 * `at` written the same ways: every command the generator's decider accepted is accepted (201) and stored as meant,
 * and state and check answer, at every instant the history names and 1 ms either side, what the naive oracle folds
 * from the stored log; and so as known at record times written the same ways.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { bearer, startTestApp } from '../support/http-app.js';
import { pathsOf, SUBJECTS, UNIVERSE, writtenCommandsArbitrary } from '../support/history-generator.js';
import { Oracle, oracleLog } from '../support/oracle.js';
import { choices, writtenInstant } from '../support/written-instants.js';

const oracle = new Oracle(UNIVERSE);

describe('e2e/written-instants.wide.oracle', () => {
  it('stores each written command as meant, and answers state and check at written instants as the oracle', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(writtenCommandsArbitrary, fc.nat(), async (commands, seed) => {
        const t = await startTestApp();
        try {
          // The ledger assigns its own event ids: a retraction or correction names the one it gave.
          const ids = new Map<string, string>();
          for (const { text, meant, event } of commands) {
            const target = (text as { eventId?: string }).eventId;
            const body = target ? ({ ...text, eventId: ids.get(target)! } as LedgerCommand) : text;
            const response = await t.http.post('/v1/commands').set(bearer('writer')).send(body);
            expect({ body, status: response.status }).toEqual({ body, status: 201 });
            ids.set(event.eventId, response.body.events[0].eventId);
            const stored = (await t.store.readAll()).at(-1)!;
            const data = target ? { ...meant, eventId: ids.get(target)! } : meant;
            const { type: _type, ...payload } = data as LedgerCommand & Record<string, unknown>;
            expect(stored.data).toEqual(payload);
          }
          const log = oracleLog(await t.store.readAll());
          const standing = oracle.standing(log, Infinity);
          const next = choices(seed);
          const actual: unknown[] = [];
          const expected: unknown[] = [];
          for (const instant of Oracle.instants(log)) {
            for (const at of [instant - 1, instant, instant + 1]) {
              const written = writtenInstant(at, next());
              for (const subject of SUBJECTS.slice(0, 2)) {
                const truth = oracle.answerFrom(standing, subject, at);
                const state = await t.http
                  .get(`/v1/subjects/${subject}/state`)
                  .query({ at: written })
                  .set(bearer('reader'))
                  .expect(200);
                const check = await t.http
                  .get(`/v1/subjects/${subject}/check`)
                  .query({ at: written, category: 'x' })
                  .set(bearer('reader'))
                  .expect(200);
                const question = { subject, at: written };
                actual.push({
                  ...question,
                  answeredAt: state.body.at,
                  restricted: (state.body.restricted as { measureId: string; categories: string[]; except: string[] }[])
                    .map((r) => [r.measureId, pathsOf(r.categories, r.except)])
                    .sort(),
                  status: check.body.status,
                });
                expected.push({
                  ...question,
                  answeredAt: new Date(at).toISOString(),
                  restricted: [...truth.restricted].map(([m, set]) => [m, [...set].sort()]).sort(),
                  status: oracle.status(truth, 'x'),
                });
                compared++;
              }
            }
          }
          // As known at a record time written with an offset: 1 ms before each record, and at it.
          const recorded = (await t.store.readAll()).map((e) => Date.parse(e.recordedAt));
          const instants = Oracle.instants(log);
          for (const [n, time] of recorded.entries()) {
            for (const asOf of [time - 1, time]) {
              const k = recorded.filter((r) => r <= asOf).length;
              const at = instants[(n * 7) % instants.length]!;
              const subject = SUBJECTS[n % 2]!;
              const truth = oracle.answer(log, subject, at, k);
              const state = await t.http
                .get(`/v1/subjects/${subject}/state`)
                .query({ at: writtenInstant(at, next()), asOf: writtenInstant(asOf, next()) })
                .set(bearer('reader'))
                .expect(200);
              const question = { subject, at, asOf: new Date(asOf).toISOString() };
              actual.push({
                ...question,
                asOfPosition: state.body.asOfPosition,
                restricted: (state.body.restricted as { measureId: string; categories: string[]; except: string[] }[])
                  .map((r) => [r.measureId, pathsOf(r.categories, r.except)])
                  .sort(),
              });
              expected.push({
                ...question,
                asOfPosition: String(log.filter((e) => e.position <= k).at(-1)?.position ?? 0),
                restricted: [...truth.restricted].map(([m, set]) => [m, [...set].sort()]).sort(),
              });
            }
          }
          expect(actual).toEqual(expected);
        } finally {
          await t.close();
        }
      }),
      { numRuns: 4 },
    );
    expect(compared).toBeGreaterThan(150);
  }, 180_000);
});
