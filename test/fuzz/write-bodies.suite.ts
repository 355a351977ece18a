/**
 * Fuzzing the bodies of every write route other than the commands (webhooks,
 * consumers, tickets, rebuild, as the OpenAPI document lists them, so a new
 * route must bring a valid body here): a field at any nesting level set to
 * null, an unknown or prototype-named key added, a webhook filter list given
 * an id twice or past its cap. Refused input is a 4xx in the error shape with
 * nothing written and no webhook registered; never a 5xx, never a hang.
 *
 * Runs (about 5 ms each): 200 mutated bodies.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { hostileKey, PROTOTYPE_KEYS, type Verdict } from '../support/fuzz-arbitraries.js';
import { MAX_FILTER_ITEMS } from '../../src/webhooks/webhook-dto.js';
import { adminHeaders, exchange, routesOf, startFuzzApp, type FuzzApp, type Route } from './fuzz-http.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HOOK = 'http://127.0.0.1:9/hook';

/** A body each route takes; `{}` for a route that reads none. */
const VALID_BODIES: Record<string, Record<string, Json>> = {
  'POST /v1/webhooks': {
    url: HOOK,
    feed: 'ledger',
    filters: { subject: ['huawei'], type: ['SubjectsAdded'] },
    after: '0',
  },
  'POST /v1/webhooks/{id}/replay': { after: '0' },
  'POST /v1/webhooks/{id}/enable': {},
  'POST /v1/consumers/{name}/ack': { position: '1' },
  'POST /v1/changes/tickets': {},
  'POST /v1/admin/rebuild': {},
};

interface Probe {
  route: Route;
  what: string;
  body: Record<string, Json>;
  verdict: Verdict;
}

/** Every path to an object member of a JSON value, `[]` being the body itself. */
function memberPaths(value: Json, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return [path, ...Object.entries(value).flatMap(([key, child]) => memberPaths(child, [...path, key]))];
}

/** The body with `set` applied to the object at `path`. */
function edited(body: Record<string, Json>, path: string[], set: (object: Record<string, Json>) => void) {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, Json>;
  const target = path.reduce((object, key) => object[key] as Record<string, Json>, copy);
  set(target);
  return copy;
}

describe('fuzz/write-bodies', () => {
  let app: FuzzApp;
  let routes: Route[];
  let savedAllow: string | undefined;
  let webhookId: string;

  beforeAll(async () => {
    savedAllow = process.env.LEDGER_WEBHOOK_ALLOW;
    process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';
    app = await startFuzzApp();
    routes = routesOf(app.openapi).filter(
      (r) => r.method !== 'GET' && r.method !== 'DELETE' && !r.template.startsWith('/v1/commands'),
    );
    for (const route of routes)
      if (!VALID_BODIES[`${route.method} ${route.template}`])
        throw new Error(`no valid body for ${route.method} ${route.template}: add one to VALID_BODIES`);
    const created = await app.send({
      method: 'POST',
      path: '/v1/webhooks',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: HOOK, feed: 'ledger' }),
    });
    webhookId = (created.json as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    if (savedAllow === undefined) delete process.env.LEDGER_WEBHOOK_ALLOW;
    else process.env.LEDGER_WEBHOOK_ALLOW = savedAllow;
  });

  const pathOf = (route: Route) => route.template.replace('{id}', webhookId).replace('{name}', 'fuzz-consumer');

  function probes(route: Route): fc.Arbitrary<Probe> {
    const base = VALID_BODIES[`${route.method} ${route.template}`]!;
    const members = memberPaths(base);
    const fields = members.flatMap((path) => {
      const object = path.reduce((o, key) => o[key] as Record<string, Json>, base);
      return Object.keys(object).map((key) => [...path, key]);
    });
    const options: fc.Arbitrary<Probe>[] = [fc.constant({ route, what: 'valid', body: base, verdict: 'unsure' })];
    if (fields.length)
      options.push(
        fc.constantFrom(...fields).map((field) => ({
          route,
          what: `${field.join('.')} null`,
          body: edited(base, field.slice(0, -1), (o) => (o[field.at(-1)!] = null)),
          verdict: 'invalid',
        })),
      );
    options.push(
      fc
        .tuple(
          fc.constantFrom(...members),
          fc.oneof(hostileKey, fc.constantFrom(...PROTOTYPE_KEYS)),
          fc.constantFrom<Json>(1, 'x', null, true, {}),
        )
        .filter(([path, key]) => {
          const object = path.reduce((o, k) => o[k] as Record<string, Json>, base);
          return !(key in object) || (PROTOTYPE_KEYS as readonly string[]).includes(key);
        })
        .map(([path, key, value]) => ({
          route,
          what: `unknown key ${JSON.stringify(key)} in ${path.join('.') || 'the body'}`,
          body: edited(base, path, (o) => Object.defineProperty(o, key, { value, enumerable: true })),
          verdict: 'invalid',
        })),
    );
    if (route.template === '/v1/webhooks')
      options.push(
        fc.constantFrom('subject', 'type').chain((list) =>
          fc.constantFrom('twice', 'past the cap').map((how) => {
            const item = list === 'type' ? 'SubjectsAdded' : 'huawei';
            const items =
              how === 'twice' ? [item, item] : Array.from({ length: MAX_FILTER_ITEMS + 1 }, (_, i) => `s${i}`);
            return {
              route,
              what: `filters.${list} ${how}`,
              body: edited(base, ['filters'], (o) => (o[list] = items)),
              verdict: 'invalid' as const,
            };
          }),
        ),
      );
    return fc.oneof(...options);
  }

  const registered = async () =>
    (
      (await app.send({ method: 'GET', path: '/v1/webhooks', headers: adminHeaders })).json as {
        webhooks: { id: string }[];
      }
    ).webhooks;

  it('lists the routes it fuzzes', () => {
    const names = routes.map((r) => `${r.method} ${r.template}`);
    for (const name of ['POST /v1/webhooks', 'POST /v1/changes/tickets', 'POST /v1/admin/rebuild'])
      if (!names.includes(name)) throw new Error(`${name} is not among the routes fuzzed: ${names.join(', ')}`);
  });

  it('a null, an unknown key or a bad filter list anywhere in a body is a 4xx, nothing written or registered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }).chain((i) => probes(routes[i]!)),
        async (probe) => {
          const before = await registered();
          const response = await exchange(
            app,
            {
              method: probe.route.method,
              path: pathOf(probe.route),
              headers: { ...adminHeaders, 'Content-Type': 'application/json' },
              body: JSON.stringify(probe.body),
            },
            probe.verdict,
          );
          const after = await registered();
          if (response.status >= 400 && after.length !== before.length)
            throw new Error(`${probe.what}: refused with ${response.status}, yet a webhook was registered`);
          // A webhook the valid body registered goes again, so that the list stays short.
          for (const hook of after.filter((h) => h.id !== webhookId && !before.some((b) => b.id === h.id)))
            await app.send({ method: 'DELETE', path: `/v1/webhooks/${hook.id}`, headers: adminHeaders });
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});
