/**
 * The OpenAPI document is the truth: it lints clean with Redocly, declares a
 * response schema for every route and status, the one error shape on every
 * error, optional headers as optional; and the check every HTTP suite runs on
 * every answer (test/support/response-contract.ts) catches what breaks it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResponseContract } from '../support/response-contract.js';
import { startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

describe('contracts-api/openapi', () => {
  const run = promisify(execFile);
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/docs/openapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  type Operation = {
    responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
    parameters?: { name: string; in: string; required?: boolean }[];
    security?: unknown[];
  };
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  describe('the OpenAPI document', () => {
    it('lints without errors under @redocly/cli', async () => {
      const dir = tempDir();
      const file = join(dir.path, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const { stdout } = await run(
        process.execPath,
        ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--format=json'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      dir.remove();
      const problems = (
        JSON.parse(stdout) as {
          problems: { severity: string; ruleId: string; message: string; location: { pointer: string }[] }[];
        }
      ).problems;
      expect(
        problems
          .filter((p) => p.severity === 'error')
          .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
      ).toEqual([]);
    });

    it('declares a response with a schema for every route, and the error shape on each of its errors', () => {
      const missing: string[] = [];
      for (const { route, operation } of operations()) {
        const statuses = Object.keys(operation.responses);
        if (!statuses.some((s) => s.startsWith('2'))) missing.push(`${route}: no success response`);
        for (const status of statuses) {
          const content = operation.responses[status]!.content;
          if (!['204', '304'].includes(status) && (!content || !Object.values(content).every((c) => c.schema)))
            missing.push(`${route} ${status}: no schema`);
          const errorSchema = content?.['application/json']?.schema?.$ref ?? '';
          if (
            Number(status) >= 400 &&
            !(['GET /health', 'GET /health/ready'].includes(route) && status === '503') &&
            !/ErrorResponseDto|BatchFailureDto/.test(errorSchema)
          )
            missing.push(`${route} ${status}: not the error shape (${errorSchema})`);
        }
        if (operation.security?.length && !['401', '403'].every((s) => s in operation.responses))
          missing.push(`${route}: needs a key but does not declare 401 and 403`);
      }
      expect(missing).toEqual([]);
    });

    it('marks every header optional, and says which content types the feeds and the batch speak', () => {
      const headers = operations().flatMap(({ route, operation }) =>
        (operation.parameters ?? [])
          .filter((p) => p.in === 'header')
          .map((p) => ({ route, name: p.name, required: p.required })),
      );
      expect(headers.filter((h) => h.required)).toEqual([]);
      expect(headers).toEqual(
        expect.arrayContaining([
          { route: 'GET /v1/changes', name: 'Last-Event-ID', required: false },
          { route: 'POST /v1/commands', name: 'X-Correlation-Id', required: false },
        ]),
      );
      const paths = document.paths as Record<
        string,
        Record<string, Operation & { requestBody?: { content: Record<string, unknown> } }>
      >;
      expect(Object.keys(paths['/v1/changes']!.get!.responses['200']!.content!)).toEqual(['text/event-stream']);
      expect(Object.keys(paths['/v1/changes/effective']!.get!.responses['200']!.content!)).toEqual([
        'text/event-stream',
      ]);
      expect(Object.keys(paths['/v1/commands/batch']!.post!.requestBody!.content)).toEqual([
        'application/json',
        'application/x-ndjson',
      ]);
      expect(paths['/health']!.get!.security).toEqual([]);
    });
  });

  describe('the check of every answer against the document', () => {
    let checker: ResponseContract;
    const contract = () => (checker ??= new ResponseContract(document));

    it('passes an answer that keeps the contract', () => {
      expect(
        contract().check(
          'GET',
          '/v1/events?limit=1',
          200,
          'application/json; charset=utf-8',
          JSON.stringify({ events: [], next: null }),
        ),
      ).toBeUndefined();
    });

    it('fails an answer whose body does not match, naming the field', () => {
      expect(
        contract().check(
          'GET',
          '/v1/events',
          200,
          'application/json',
          JSON.stringify({ events: [{ eventId: 'x' }], next: 3 }),
        ),
      ).toMatch(/next|streamId/);
    });

    it('fails a status the route does not declare', () => {
      expect(contract().check('GET', '/v1/events', 418, 'application/json', '{}')).toMatch(
        /status 418 is not declared for GET \/v1\/events/,
      );
    });

    it('fails loudly on a route that declares no response schema', () => {
      const bare = structuredClone<OpenAPIObject>(document);
      bare.paths['/v1/added-elsewhere'] = { get: { responses: { 200: { description: 'something' } } } };
      expect(new ResponseContract(bare).check('GET', '/v1/added-elsewhere', 200, 'application/json', '{}')).toMatch(
        /declares no schema for 200 application\/json/,
      );
    });

    it('fails an error that is not the error shape, even on a route that does not exist', () => {
      expect(
        contract().check('GET', '/v1/no-such-route', 404, 'application/json', JSON.stringify({ message: 'nope' })),
      ).toMatch(/statusCode|details/);
      expect(
        contract().check(
          'GET',
          '/v1/events',
          400,
          'application/json',
          JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'x' }),
        ),
      ).toMatch(/details/);
    });

    it('fails a Server-Sent Event that does not match its AsyncAPI message', () => {
      const good = {
        specversion: '1.0',
        id: '7f0c9c0e-5b1a-4c43-9d7c-9b1a4a1e2f11',
        source: '/regledger',
        type: 'org.regledger.SubjectsAdded',
        subject: 'm',
        time: '2020-01-01T00:00:00.000Z',
        datacontenttype: 'application/json',
        ledgerposition: '2',
        streamrevision: '1',
      };
      const event = (data: object) => `retry: 2000\n\nid: 2\ndata: ${JSON.stringify({ ...good, data })}\n\n`;
      expect(
        contract().check(
          'GET',
          '/v1/changes',
          200,
          'text/event-stream',
          event({ measureId: 'm', subjects: ['a'], effectiveFrom: '2020-01-01T00:00:00.000Z' }),
        ),
      ).toBeUndefined();
      expect(
        contract().check(
          'GET',
          '/v1/changes',
          200,
          'text/event-stream',
          event({ measureId: 'm', effectiveFrom: '2020-01-01T00:00:00.000Z' }),
        ),
      ).toMatch(/SubjectsAdded.*subjects/s);
    });
  });
});
