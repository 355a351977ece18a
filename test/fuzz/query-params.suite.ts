/**
 * Fuzzing every route the OpenAPI document lists (so a new route is covered
 * when it is added): one query parameter or path segment made hostile, a
 * parameter repeated or left empty, an unknown parameter added, a hostile
 * Last-Event-ID.
 * A refused request is a 4xx in the error shape — for the SSE feeds, before
 * the stream starts — and the log is unchanged; a valid one is a 2xx (a feed
 * is cut after its headers). Never a 5xx, never a hang.
 *
 * Runs (about 5 ms each): 450 over all routes, 150 on the feeds' Last-Event-ID.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPES } from '../../src/domain/messages.js';
import { M } from '../support/commands.js';
import {
  CATEGORY_SHAPE,
  EXTREME_INSTANTS,
  EXTREME_POSITIONS,
  hostileKey,
  ID_SHAPE,
  instantVerdict,
  nearMissString,
  NASTY_STRINGS,
  positionVerdict,
  PROTOTYPE_KEYS,
  UUID_SHAPE,
  type Verdict,
} from '../support/fuzz-arbitraries.js';
import {
  adminHeaders,
  encodeRaw,
  exchange,
  routesOf,
  startFuzzApp,
  writerHeaders,
  type FuzzApp,
  type RawRequest,
  type Route,
} from './fuzz-http.js';

describe('fuzz/query-params', () => {
  let app: FuzzApp;
  let routes: Route[];
  let eventId: string;

  beforeAll(async () => {
    app = await startFuzzApp();
    routes = routesOf(app.openapi);
    const [first] = await app.store.readAll({ maxCount: 1 });
    eventId = first!.eventId;
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  type Kind =
    | 'instant'
    | 'position'
    | 'feedPosition'
    | 'limit'
    | 'category'
    | 'id'
    | 'idList'
    | 'uuid'
    | 'eventTypes'
    | 'resumeId'
    | { oneOf: string[] }
    | 'unknown';

  /** What a parameter of a route means, from its name (the OpenAPI document gives names, not rules). */
  function kindOf(route: Route, name: string): Kind {
    if (['at', 'asOf'].includes(name)) return 'instant';
    if (['from', 'to'].includes(name)) return route.template.includes('/integrity/') ? 'position' : 'instant';
    if (['asOfPosition', 'treeSize', 'minPosition'].includes(name)) return 'position';
    if (name === 'after')
      return route.template === '/v1/changes/effective'
        ? 'resumeId'
        : route.template === '/v1/changes'
          ? 'feedPosition'
          : ['/v1/subjects', '/v1/measures'].includes(route.template)
            ? 'id'
            : 'position';
    if (name === 'limit') return 'limit';
    if (name === 'category') return 'category';
    if (name === 'format') return { oneOf: ['json', 'md', 'csv', 'html'] };
    if (name === 'order') return { oneOf: ['record', 'valid'] };
    if (name === 'subject' || name === 'measure') return 'idList';
    if (name === 'type') return 'eventTypes';
    if (name === 'subjectId' || name === 'measureId') return 'id';
    if (name === 'eventId') return 'uuid';
    return 'unknown';
  }

  function verdictOf(kind: Kind, value: string): Verdict {
    if (value === '') return 'invalid'; // `?subject=`, `?after=`: refused, never taken as absent
    if (typeof kind === 'object') return kind.oneOf.includes(value) ? 'valid' : 'invalid';
    switch (kind) {
      case 'instant':
        return instantVerdict(value);
      case 'position':
        return positionVerdict(value);
      case 'feedPosition':
        // As the feed sends positions, without leading zeros: the rule of the effective feed's ids too.
        return /^(0|[1-9]\d*)$/.test(value) ? positionVerdict(value) : 'invalid';
      case 'limit':
        return /^\d+$/.test(value) && BigInt(value) >= 1n ? 'unsure' : 'invalid';
      case 'category':
        return value.length <= 512 && CATEGORY_SHAPE.test(value) ? 'valid' : 'invalid';
      case 'id':
        return ID_SHAPE.test(value) ? 'valid' : 'invalid';
      case 'idList':
        return value.split(',').every((s) => ID_SHAPE.test(s)) ? 'valid' : 'invalid';
      case 'uuid':
        return UUID_SHAPE.test(value) ? 'unsure' : 'invalid';
      case 'eventTypes':
        // A type is named as stored (`SubjectsAdded`) or as in the CloudEvents messages (`org.regledger.SubjectsAdded`).
        return value
          .split(',')
          .every((s) => (EVENT_TYPES as readonly string[]).includes(s.replace(/^org\.regledger\./, '')))
          ? 'valid'
          : 'invalid';
      case 'resumeId':
        // `0` replays from the start, as on the ledger feed.
        // Otherwise an id as the server writes them: no leading zeros, a subject or `~` (an instant may name none).
        return value === '0' ||
          /^(0|[1-9]\d*)-0-(0|[1-9]\d*)-([a-z0-9][a-z0-9._-]{0,127}|~)$/.test(value) ||
          /^(0|[1-9]\d*)-1-(0|[1-9]\d*)-([a-z0-9][a-z0-9._-]{0,127}|~)?$/.test(value)
          ? 'unsure'
          : 'invalid';
      case 'unknown':
        return 'unsure';
    }
  }

  /** A valid value of each kind, for required parameters and for repeating one. */
  function validValue(kind: Kind, name: string): string {
    if (typeof kind === 'object') return kind.oneOf[0]!;
    const values: Record<Exclude<Kind, object>, string> = {
      instant: name === 'to' ? '2020-01-01' : '2019-06-30',
      position: name === 'to' ? '3' : '1',
      feedPosition: '1',
      limit: '10',
      category: 'exports',
      id: name === 'measureId' ? 'us-ear-entity-list-huawei' : 'huawei',
      idList: 'huawei',
      uuid: eventId,
      eventTypes: EVENT_TYPES[0]!,
      resumeId: '0-0-0-huawei',
      unknown: '1',
    };
    return values[kind];
  }

  /** Values aimed at each kind, plus anything. */
  function hostileValue(kind: Kind): fc.Arbitrary<string> {
    const aimed: Record<string, string[]> = {
      instant: EXTREME_INSTANTS,
      position: EXTREME_POSITIONS,
      feedPosition: [...EXTREME_POSITIONS, '00', '01', '007'],
      limit: ['0', '-1', '1000000', '18446744073709551616', '1.5', '10abc'],
      category: ['exports/', '/exports', 'Exports', 'exports//x', 'exports/-', 'a'.repeat(513), 'exports,services'],
      idList: ['huawei,', ',huawei', 'huawei,,huawei', 'Huawei', 'huawei, hisilicon', 'a'.repeat(129)],
      eventTypes: ['restrictionimposed', 'RestrictionImposed,', 'Nope', '__proto__'],
      resumeId: [
        ...['0', '1-2-3-x', '99999999999999999-0-0-x', '0-0-0-X', '0-0-99999999999999999999999999999999-x'],
        ...['0-0-0-', '1-1-1-', '00-0-0-~', '0-0-01-x', '0-1-0-~', '0-1-0-x'],
      ],
    };
    return fc.oneof(
      nearMissString,
      fc.constantFrom(
        ...(aimed[typeof kind === 'string' ? kind : 'enum'] ?? ['JSON', 'json ', 'pdf', '', ...NASTY_STRINGS]),
      ),
    );
  }

  interface Probe {
    route: Route;
    what: string;
    path: Record<string, string>;
    /** Query pairs as they go on the wire, already encoded. */
    query: [string, string][];
    verdict: Verdict;
    /** Where the contract names the status, not only its class. */
    expectStatus?: number;
  }

  /** The route with every path segment and required parameter valid. */
  function baseline(route: Route): Probe {
    const path = Object.fromEntries(route.pathParams.map((p) => [p, encodeRaw(validValue(kindOf(route, p), p))]));
    const required =
      route.template === '/v1/subjects/{subjectId}/check'
        ? ['category']
        : route.template === '/v1/integrity/consistency'
          ? ['from']
          : [];
    const query = required.map((name): [string, string] => [name, encodeRaw(validValue(kindOf(route, name), name))]);
    return { route, what: 'valid', path, query, verdict: 'valid' };
  }

  function probes(route: Route): fc.Arbitrary<Probe> {
    const base = baseline(route);
    const withParam = (name: string, encoded: string) => [
      ...base.query.filter(([n]) => n !== name),
      [name, encoded] as [string, string],
    ];
    const options: fc.Arbitrary<Probe>[] = [fc.constant(base)];
    if (route.queryParams.length) {
      const param = fc.constantFrom(...route.queryParams);
      options.push(
        param.chain((name) =>
          hostileValue(kindOf(route, name)).map((value) => ({
            ...base,
            what: `${name}=${JSON.stringify(value)}`,
            query: withParam(name, encodeRaw(value)),
            verdict: verdictOf(kindOf(route, name), value),
          })),
        ),
        param.map((name) => ({
          ...base,
          what: `${name}= (empty)`,
          query: withParam(name, ''),
          verdict: 'invalid' as const,
        })),
        param.map((name) => {
          const value = encodeRaw(validValue(kindOf(route, name), name));
          return {
            ...base,
            what: `${name} repeated`,
            query: [...withParam(name, value), [name, value] as [string, string]],
            verdict: 'invalid',
          };
        }),
        param.chain((name) =>
          fc
            .constantFrom(
              `${name}[]`,
              `${name}[0]`,
              `${name}[__proto__]`,
              `${name}[a][b]`,
              name.toUpperCase(),
              ` ${name}`,
            )
            .map((key) => ({
              ...base,
              what: `${key}= (a near-miss of ${name})`,
              query: [...base.query, [encodeRaw(key), '1'] as [string, string]],
              verdict: 'invalid',
            })),
        ),
      );
    }
    options.push(
      fc
        .oneof(hostileKey, fc.constantFrom(...PROTOTYPE_KEYS.map((k) => `${k}[x]`), 'a[b][c][d][e][f][g]'))
        .filter((key) => !route.queryParams.includes(key) && key !== '')
        .map((key) => ({
          ...base,
          what: `unknown parameter ${JSON.stringify(key)}`,
          query: [...base.query, [encodeRaw(key), '1'] as [string, string]],
          // The rule on unknown parameters is the API's (v1); /health and the documents may ignore them.
          verdict: route.template.startsWith('/v1/') ? 'invalid' : 'unsure',
        })),
    );
    if (route.pathParams.length) {
      options.push(
        fc
          .tuple(
            fc.constantFrom(...route.pathParams),
            fc.oneof(
              nearMissString.filter((s) => s !== ''),
              fc.constantFrom('..', '.', '%', '%zz', '%2F', '%00', '%ED%A0%80', '%C0%AE'),
            ),
          )
          .map(([name, value]) => {
            const isRawEncoding = /^%|^\.\.?$/.test(value);
            const verdict = isRawEncoding ? 'invalid' : verdictOf(kindOf(route, name), value);
            return {
              ...base,
              what: `${name} = ${JSON.stringify(value)}${isRawEncoding ? ' (sent as is)' : ''}`,
              path: { ...base.path, [name]: isRawEncoding ? value : encodeRaw(value) },
              verdict,
              // An id that is not an event id is bad input, as on every route, not an event the log lacks.
              ...(name === 'eventId' && verdict === 'invalid' && !isRawEncoding ? { expectStatus: 400 } : {}),
            };
          }),
      );
      if (route.pathParams.includes('eventId'))
        // A UUID means the same in either case: the event the lower-case id names is found.
        options.push(
          fc.constant({
            ...base,
            what: 'eventId in upper case',
            path: { ...base.path, eventId: encodeRaw(eventId.toUpperCase()) },
            verdict: 'valid' as const,
            expectStatus: 200,
          }),
        );
    }
    return fc.oneof(...options);
  }

  function requestOf(probe: Probe): RawRequest {
    const path = probe.route.template.replace(/\{([^}]+)\}/g, (_, name: string) => probe.path[name]!);
    const query = probe.query.map(([k, v]) => `${k}=${v}`).join('&');
    const url = `${path}${query ? `?${query}` : ''}`;
    const { method, template } = probe.route;
    if (template === '/v1/commands' || template === '/v1/commands/batch') {
      const command = {
        type: 'AddSubjects',
        commandId: randomUUID(),
        measureId: M,
        subjects: [`q-${randomUUID()}`],
        effectiveFrom: '2020-01-01',
      };
      return {
        method,
        path: url,
        headers: writerHeaders,
        body: JSON.stringify(template.endsWith('batch') ? [command] : command),
      };
    }
    return { method, path: url, headers: adminHeaders };
  }

  describe('fuzzing every route of the OpenAPI document', () => {
    it('lists the routes it fuzzes, the feeds among them', () => {
      expect(routes.map((r) => `${r.method} ${r.template}`)).toEqual(
        expect.arrayContaining([
          'GET /v1/changes',
          'GET /v1/changes/effective',
          'POST /v1/commands',
          'GET /v1/subjects/{subjectId}/state',
        ]),
      );
    });

    it('a hostile, repeated or unknown parameter or path segment is a 4xx before anything is answered or written; never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: routes.length - 1 }).chain((i) => probes(routes[i]!)),
          // `*` matches any tag: a request the contract refuses is still a 4xx, never a 304.
          fc.boolean(),
          async (probe, revalidating) => {
            const req = requestOf(probe);
            const asksNotModified = revalidating && probe.route.method === 'GET';
            if (asksNotModified) req.headers = { ...req.headers, 'If-None-Match': '*' };
            await exchange(app, req, probe.verdict, {
              writes: probe.route.method !== 'GET',
              partialWrites: probe.route.template.endsWith('/batch'),
              mayBeUnavailable: probe.what.startsWith('minPosition'),
              allowNotModified: asksNotModified && probe.verdict !== 'invalid',
              ...(probe.expectStatus !== undefined && !asksNotModified ? { expectStatus: probe.expectStatus } : {}),
            });
          },
        ),
        { numRuns: 450 },
      );
    }, 180_000);

    it('the feeds refuse a hostile Last-Event-ID with a 4xx before the stream starts', async () => {
      const feeds = routes.filter((r) => r.sse);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...feeds),
          fc.oneof(
            nearMissString,
            fc.constantFrom(...EXTREME_POSITIONS, '00', '05', '0-0-0-', '00-0-0-~', '1-1-1-huawei', '0-2-0-x'),
          ),
          async (route, value) => {
            fc.pre(/^[\t\x20-\x7e\x80-\xff]*$/.test(value)); // what an HTTP header can carry
            // HTTP strips a header value's leading and trailing spaces and tabs: the server sees the rest.
            const seen = value.replace(/^[ \t]+|[ \t]+$/g, '');
            const verdict =
              seen === '' ? 'unsure' : verdictOf(route.template === '/v1/changes' ? 'feedPosition' : 'resumeId', seen);
            await exchange(
              app,
              { method: 'GET', path: route.template, headers: { ...adminHeaders, 'Last-Event-ID': value } },
              verdict,
            );
          },
        ),
        { numRuns: 150 },
      );
    }, 60_000);
  });
});
