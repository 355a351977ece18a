/**
 * Fuzzing the headers of every secured route of the OpenAPI document: a bad
 * Authorization is a 401 (a key below the route's role a 403) before the body
 * is read — so a malformed or oversized body from a stranger still gets 401 —
 * and nothing is written. Hostile X-Correlation-Id values never break a write.
 *
 * The headers that steer a read (If-None-Match, X-Min-Position, Last-Event-ID)
 * are refused or ignored, never a 5xx.
 *
 * Runs (about 5 ms each): 300 bad keys over all routes, 60 role checks, 80 correlation ids, 120 read headers.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { M } from '../support/commands.js';
import {
  badAuthorizations,
  deeplyNested,
  EXTREME_POSITIONS,
  headerChar,
  positionVerdict,
} from '../support/fuzz-arbitraries.js';
import { CONTROLLERS } from '../../src/app.module.js';
import { RouteTable } from '../../src/auth/route-access.js';
import { bearer } from '../support/http-app.js';
import {
  encodeRaw,
  exchange,
  KEYS,
  readerHeaders,
  routesOf,
  startFuzzApp,
  writerHeaders,
  type FuzzApp,
  type Route,
} from './fuzz-http.js';

describe('fuzz/headers', () => {
  let app: FuzzApp;
  let secured: Route[];

  beforeAll(async () => {
    app = await startFuzzApp();
    secured = routesOf(app.openapi).filter((r) => r.secured);
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  const pathOf = (route: Route) =>
    route.template.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeRaw(name === 'eventId' ? randomUUID() : 'huawei'),
    );
  const validCommand = () =>
    JSON.stringify({
      type: 'AddSubjects',
      commandId: randomUUID(),
      measureId: M,
      subjects: [`h-${randomUUID()}`],
      effectiveFrom: '2020-01-01',
    });

  /** Bodies a stranger may send: valid, malformed, deeply nested, over the 64 kB limit of the test app. */
  const strangerBodies = fc.constantFrom(
    () => validCommand(),
    () => '{"type":',
    () => deeplyNested(5_000, 'array').json,
    () => JSON.stringify({ note: 'x'.repeat(70_000) }),
  );

  describe('fuzzing headers', () => {
    it('a bad Authorization is a 401 on every secured route, whatever the body, and nothing is written', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...secured),
          badAuthorizations(KEYS.admin),
          strangerBodies,
          async (route, authorization, body) => {
            const sendsBody = route.method !== 'GET';
            const headers = {
              Authorization: authorization === '' ? undefined : authorization,
              ...(sendsBody ? { 'Content-Type': 'application/json' } : {}),
            };
            await exchange(
              app,
              { method: route.method, path: pathOf(route), headers, body: sendsBody ? body() : undefined },
              'invalid',
              { writes: sendsBody, expectStatus: 401 },
            );
          },
        ),
        { numRuns: 300 },
      );
    }, 120_000);

    it('a key below the route’s role is a 403, and nothing is written', async () => {
      // The role each route declares (its decorators), not a guess from its path.
      const table = RouteTable.fromControllers(CONTROLLERS);
      const needs = (route: Route) => table.accessFor(route.method, pathOf(route));
      const below = secured.filter((r) => needs(r) === 'writer' || needs(r) === 'admin');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...below),
          strangerBodies.filter((b) => b().length < 1000),
          async (route, body) => {
            const role = needs(route) === 'admin' ? 'writer' : 'reader';
            await exchange(
              app,
              {
                method: route.method,
                path: pathOf(route),
                headers: { ...bearer(role), 'Content-Type': 'application/json' },
                body: body(),
              },
              'invalid',
              { writes: true, expectStatus: 403 },
            );
          },
        ),
        { numRuns: 60 },
      );
    }, 60_000);

    it('hostile If-None-Match, X-Min-Position and Last-Event-ID never give a 5xx on any read; a feed refuses a bad X-Min-Position', async () => {
      const reads = secured.filter((r) => r.method === 'GET');
      // What node:http will send in a header: printable ASCII.
      const positions = EXTREME_POSITIONS.filter((p) => /^[\x20-\x7e]*$/.test(p));
      const headerText = fc.string({ unit: headerChar, maxLength: 200 });
      const etagLike = fc.oneof(
        headerText,
        fc.constantFrom('*', 'W/"', '""', 'W/"x", "y"', `"${'x'.repeat(4_000)}"`, ', , ,'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...reads),
          fc.record(
            {
              'If-None-Match': etagLike,
              'X-Min-Position': fc.oneof(fc.constantFrom(...positions), headerText),
              'Last-Event-ID': fc.oneof(fc.constantFrom(...positions, '0-1-0-~', '1-1-1-'), headerText),
            },
            { requiredKeys: [] },
          ),
          async (route, headers) => {
            // HTTP strips a header value's leading and trailing spaces and tabs: the server sees the rest.
            const minPosition = headers['X-Min-Position']?.replace(/^[ \t]+|[ \t]+$/g, '');
            // A read answered at once may pass over a position it has no use for; a feed must not pass over a value that is none.
            const verdict =
              route.sse && minPosition !== undefined && positionVerdict(minPosition) === 'invalid'
                ? 'invalid'
                : 'unsure';
            const response = await exchange(
              app,
              { method: 'GET', path: pathOf(route), headers: { ...readerHeaders, ...headers } },
              verdict,
              { mayBeUnavailable: true, allowNotModified: true },
            );
            if (response.status === 304 && headers['If-None-Match'] === undefined)
              throw new Error('a 304 without If-None-Match');
          },
        ),
        { numRuns: 120 },
      );
    }, 120_000);

    it('a hostile X-Correlation-Id never makes a valid command fail with a 5xx, and the id recorded is the one sent back', async () => {
      const headerText = fc.string({ unit: headerChar, maxLength: 300 });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(headerText, fc.constantFrom('__proto__', 'x'.repeat(8_000), '', 'a b', '<script>', 'x'.repeat(129))),
          async (correlationId) => {
            const response = await exchange(
              app,
              {
                method: 'POST',
                path: '/v1/commands',
                headers: { ...writerHeaders, 'X-Correlation-Id': correlationId },
                body: validCommand(),
              },
              'unsure',
              { writes: true },
            );
            if (response.status !== 201) return;
            const [event] = await app.store.readAll({ direction: 'backwards', maxCount: 1 });
            if (response.correlationId === undefined || event!.metadata.correlationId !== response.correlationId)
              throw new Error(
                `sent ${JSON.stringify(correlationId)}: X-Correlation-Id back ${JSON.stringify(response.correlationId)}, recorded ${JSON.stringify(event!.metadata.correlationId)}`,
              );
          },
        ),
        { numRuns: 80 },
      );
    }, 60_000);

    it('a command without a commandId sent twice under one Idempotency-Key appends once', async () => {
      // What Idempotency-Key takes: 1 to 200 visible ASCII characters.
      const key = fc.string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 200,
      });
      await fc.assert(
        fc.asyncProperty(key, fc.boolean(), async (idempotencyKey, asBatch) => {
          const unique = `${idempotencyKey}-${randomUUID()}`.slice(-200);
          const command = {
            type: 'AddSubjects',
            measureId: M,
            subjects: [`k-${randomUUID()}`],
            effectiveFrom: '2020-01-01',
          };
          const send = (path: string, body: unknown) =>
            exchange(
              app,
              {
                method: 'POST',
                path,
                headers: { ...writerHeaders, 'Idempotency-Key': unique },
                body: JSON.stringify(body),
              },
              'valid',
              { writes: true },
            );
          // The first under the key on one route or the other; the retry on the single route.
          const first = asBatch ? await send('/v1/commands/batch', [command]) : await send('/v1/commands', command);
          const head = await app.head();
          const retry = await send('/v1/commands', command);
          const firstPosition = asBatch
            ? (first.json as { results: { position: string }[] }).results[0]!.position
            : (first.json as { position: string }).position;
          if (
            retry.status !== 200 ||
            (retry.json as { position: string }).position !== firstPosition ||
            (await app.head()) !== head
          )
            throw new Error(
              `key ${JSON.stringify(unique)}: the retry answered ${retry.status} ${retry.text.slice(0, 200)}`,
            );
        }),
        { numRuns: 40 },
      );
    }, 60_000);
  });
});
