/**
 * Query parameters are strict on every route: an unknown or repeated one, or
 * an unknown filter value, is a 400 naming it, checked before anything runs
 * (and before a change feed starts its stream). The route list comes from the
 * OpenAPI document, so a new route is covered without touching this suite.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { imposeBody } from '../support/commands.js';
import { appPerBlock, bearer, type TestApp } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';

describe('e2e/strict-parameters', () => {
  // One app for the file: most tests send what is refused; the few that write use measures of their own and read only
  // what they wrote, so none depends on which ran before it.
  let t: TestApp;
  appPerBlock((app) => (t = app));
  afterEach(() => SseConnection.closeAll());

  let listening: Promise<string> | undefined;
  /** The app's address, listening from the first test that needs a socket (a change feed) on. */
  const url = () =>
    (listening ??= t.app.listen(0, '127.0.0.1').then(async () => (await t.app.getUrl()).replace('[::1]', '127.0.0.1')));

  const admin = bearer('admin');
  const BEYOND_INT64 = '9223372036854775808';

  interface Operation {
    method: 'get' | 'post';
    path: string;
    queries: string[];
  }

  async function documentedOperations(): Promise<Operation[]> {
    const document = (await t.http.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    return Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method as Operation['method'],
        path: template.replace(/\{[^}]+\}/g, 'x'),
        queries: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
  }

  const send = (op: Operation, query: string) => t.http[op.method](`${op.path}?${query}`).set(admin);

  describe('every route of the OpenAPI document', () => {
    it('covers the routes that answer queries, feeds and commands', async () => {
      const paths = (await documentedOperations()).map((op) => op.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/v1/subjects/x/state',
          '/v1/changes',
          '/v1/changes/effective',
          '/v1/events',
          '/v1/commands',
          '/v1/subjects/x/report',
        ]),
      );
    });

    it('rejects an unknown query parameter with a 400 naming it, and accepts each documented one', async () => {
      for (const op of await documentedOperations()) {
        const documented = op.queries.map((name) => `${name}=`).join('&');
        const response = await send(op, `${documented}${documented ? '&' : ''}asof=2019-07-01`);
        // Each documented name is known; left empty, it is refused as empty (isNotEmpty), never as unknown.
        const details = (response.body.details as { rule: string }[]).filter((d) => d.rule !== 'isNotEmpty');
        expect({ route: `${op.method} ${op.path}`, status: response.status, details }).toEqual({
          route: `${op.method} ${op.path}`,
          status: 400,
          details: [expect.objectContaining({ field: 'asof', rule: 'unknownParameter' })],
        });
      }
    });

    it('rejects a repeated query parameter with a 400 naming it', async () => {
      for (const op of await documentedOperations()) {
        for (const name of op.queries) {
          const response = await send(op, `${name}=a&${name}=b`);
          expect({ route: `${op.method} ${op.path}`, status: response.status, details: response.body.details }).toEqual(
            {
              route: `${op.method} ${op.path}`,
              status: 400,
              details: [expect.objectContaining({ field: name, rule: 'repeatedParameter' })],
            },
          );
        }
      }
    });
  });

  describe('nothing is written or answered for a rejected parameter', () => {
    it('a command with an unknown query parameter appends nothing', async () => {
      const head = await t.store.headPosition();
      await t.http
        .post('/v1/commands?dryRun=true')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'dry-run' }))
        .expect(400);
      expect(await t.store.headPosition()).toBe(head);
      expect(await t.store.readStream('measure-dry-run')).toEqual([]);
    });

    it('asof in lower case is not answered as if it were absent', async () => {
      const response = await t.http.get('/v1/subjects/acme/state?asof=2019-07-01').set(admin).expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'asof', rule: 'unknownParameter' })]);
      expect(response.body.message).toContain('asOf');
    });
  });

  describe('positions beyond what a store can hold are a 400, before any stream starts', () => {
    it.each([
      ['/v1/events', `after=${BEYOND_INT64}`, 'after'],
      ['/v1/subjects/acme/state', `asOfPosition=${BEYOND_INT64}`, 'asOfPosition'],
      ['/v1/subjects/acme/check', `category=exports&asOfPosition=${BEYOND_INT64}`, 'asOfPosition'],
      ['/v1/changes', `after=${BEYOND_INT64}`, 'after'],
    ])('%s?%s', async (path, query, field) => {
      const response = await t.http.get(`${path}?${query}`).set(admin).expect(400).expect('Content-Type', /json/);
      expect(response.body.details).toEqual([
        expect.objectContaining({ field, rule: 'isPosition', value: BEYOND_INT64 }),
      ]);
    });

    it.each(['/v1/changes', '/v1/changes/effective'])('Last-Event-ID beyond int64 on %s', async (path) => {
      const id = path === '/v1/changes' ? BEYOND_INT64 : `1700000000000-0-${BEYOND_INT64}-acme`;
      const response = await t.http
        .get(path)
        .set(admin)
        .set('Last-Event-ID', id)
        .expect(400)
        .expect('Content-Type', /json/);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'Last-Event-ID', rule: 'isPosition' })]);
    });

    it('the largest position a store can hold is a valid, empty page', async () => {
      const response = await t.http.get('/v1/events?after=9223372036854775807').set(admin).expect(200);
      expect(response.body).toEqual({ events: [], next: null });
    });
  });

  describe('change feed filters', () => {
    it.each([
      ['subject=a&subject=b', 'subject'],
      ['type=SubjectsAdded&type=ScopeBroadened', 'type'],
    ])('a repeated %s is a 400, not a crash', async (query, field) => {
      const response = await t.http.get(`/v1/changes?${query}`).set(admin).expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field, rule: 'repeatedParameter' })]);
    });

    it('an unknown event type is a 400 naming it', async () => {
      const response = await t.http.get('/v1/changes?type=SubjectsAdded,Bogus').set(admin).expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'type', rule: 'isIn', value: 'Bogus' })]);
    });

    it('a type filter takes the CloudEvents type the feed sends, as well as the event name', async () => {
      const head = await t.store.headPosition();
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'typed' }))
        .expect(201);
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({ type: 'AddSubjects', measureId: 'typed', subjects: ['acme-late'], effectiveFrom: '2019-08-19' })
        .expect(201);
      for (const type of ['org.regledger.SubjectsAdded', 'SubjectsAdded']) {
        const client = await SseConnection.open(`${await url()}/v1/changes?after=${head}&type=${type}`, admin);
        await client.until((c) => c.messages.some((m) => !m.event));
        client.close();
        const types = client.messages.filter((m) => !m.event).map((m) => JSON.parse(m.data).type);
        expect(types).toEqual(['org.regledger.SubjectsAdded']);
      }
    });

    it('after=0 replays the effective feed from the start', async () => {
      const body = imposeBody({ measureId: 'replayed', subjects: ['replayed-a', 'replayed-b'] });
      await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201);
      const client = await SseConnection.open(`${await url()}/v1/changes/effective?after=0`, admin);
      expect(client.response!.statusCode).toBe(200);
      // From the start: the changes of what other tests wrote come too, and this test's subjects are among them.
      const subjectsOf = (c: SseConnection) =>
        c.messages
          .filter((m) => !m.event)
          .map((m) => (JSON.parse(m.data) as { subjectId: string }).subjectId)
          .filter((subject) => subject.startsWith('replayed-'));
      await client.until((c) => subjectsOf(c).length >= 2);
      client.close();
      expect(subjectsOf(client).sort()).toEqual(['replayed-a', 'replayed-b']);
    });
  });

  describe('report formats', () => {
    it.each(['toString', '__proto__', 'constructor', 'valueOf'])('format=%s is a 400', async (format) => {
      const response = await t.http.get(`/v1/subjects/acme/report?format=${format}`).set(admin).expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'format', rule: 'isIn' })]);
    });
  });
});
