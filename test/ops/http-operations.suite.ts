/**
 * What an operator and a browser see of the HTTP server: security headers,
 * one JSON request-log line per request (request id from X-Correlation-Id,
 * no key), Prometheus metrics parsed with a text-format parser, liveness and
 * readiness probes, CORS for the configured origins, and stream tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventEmitter, on } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import request from 'supertest';
import { createHttpApp } from '../../src/app.js';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import { StreamTickets } from '../../src/auth/stream-tickets.js';
import { loadConfig } from '../../src/config.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { logger } from '../../src/observability/request-log.js';
import { imposeBody } from '../support/commands.js';
import { bearer, KEYS } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';

describe('ops/http-operations', () => {
  const ORIGIN = 'https://app.example.com';
  const logLines: Record<string, unknown>[] = [];
  /** Tells of each line the request logger writes. */
  const logWrites = new EventEmitter();
  let app: INestApplication;
  let store: SqliteEventStore;
  let http: ReturnType<typeof request>;
  let base: string;
  let now = Date.parse('2026-11-30T00:00:00Z');

  beforeAll(async () => {
    store = new SqliteEventStore(':memory:');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        logWrites.emit('line');
        done();
      },
    });
    const config = loadConfig({
      LEDGER_DEMO: 'off',
      LEDGER_DATA_DIR: '/nonexistent',
      LEDGER_CORS_ORIGINS: `${ORIGIN}, http://localhost:5173`,
    });
    const apiKeys = new ApiKeys(
      Object.entries(KEYS).map(([role, key]) => ({
        name: `${role}-key`,
        role: role as keyof typeof KEYS,
        sha256: sha256Hex(key),
      })),
    );
    app = await createHttpApp(config, store, apiKeys, {
      logLevels: false,
      requestLogger: logger(sink),
      tickets: new StreamTickets(() => now),
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    SseConnection.closeAll();
    await app.close();
    await store.close();
  });

  /** The request's log lines, once the first is written (the line is written as the response ends, not before). */
  const logged = async (id: string) => {
    const lines = () => logLines.filter((l) => l.reqId === id);
    if (lines().length === 0) {
      const written = on(logWrites, 'line', { signal: AbortSignal.timeout(5000) });
      for await (const _ of written) if (lines().length > 0) break;
    }
    return lines();
  };

  describe('headers', () => {
    it('sends helmet headers with a CSP for the docs and a same-origin web app, and no X-Powered-By', async () => {
      for (const path of ['/health', '/docs', '/v1/events']) {
        const response = await http.get(path);
        expect(response.headers['x-powered-by']).toBeUndefined();
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('DENY');
        const csp = Object.fromEntries(
          String(response.headers['content-security-policy'])
            .split(';')
            .map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
        );
        expect(csp).toMatchObject({
          'default-src': "'self'",
          'script-src': "'self'",
          'style-src': "'self' 'unsafe-inline'",
          'img-src': "'self' data:",
          'connect-src': "'self'",
          'frame-ancestors': "'none'",
        });
        expect(csp).not.toHaveProperty('upgrade-insecure-requests');
      }
    });

    it('serves Swagger UI with no inline script, so script-src self admits all of it', async () => {
      const page = await http.get('/docs/').redirects(1).expect(200);
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/src=/);
        expect(body!.trim()).toBe('');
      }
    });
  });

  describe('request log', () => {
    it('writes one JSON line per request, with the caller X-Correlation-Id as its id and no key', async () => {
      const id = `corr-${randomUUID()}`;
      const response = await http
        .get('/v1/events?limit=1')
        .set(bearer('reader'))
        .set('X-Correlation-Id', id)
        .expect(200);
      expect(response.headers['x-correlation-id']).toBe(id);
      const lines = await logged(id);
      expect(lines).toEqual([
        expect.objectContaining({
          level: 30,
          msg: 'request completed',
          req: { id, method: 'GET', url: '/v1/events?limit=1' },
          res: { statusCode: 200 },
        }),
      ]);
      expect(typeof lines[0]!.responseTime).toBe('number');
      expect(JSON.stringify(logLines)).not.toContain(KEYS.reader);
      expect(JSON.stringify(logLines).toLowerCase()).not.toContain('authorization');
    });

    it('gives a request without a usable correlation id one of its own, and logs refusals as warnings', async () => {
      const response = await http
        .get('/v1/events')
        .set('X-Correlation-Id', 'has spaces and "quotes"')
        .set('Authorization', 'Bearer not-a-key')
        .expect(401);
      const id = response.headers['x-correlation-id'] as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await logged(id)).toEqual([expect.objectContaining({ level: 40, res: { statusCode: 401 } })]);
      expect(JSON.stringify(logLines)).not.toContain('not-a-key');
    });
  });

  describe('probes', () => {
    it('/health/live answers while the process does; /health/ready once the read model has caught up; /health keeps its fields', async () => {
      await http.get('/health/live').expect(200, { status: 'live' });
      const ready = await http.get('/health/ready').expect(200);
      expect(ready.body).toEqual({
        status: 'ready',
        headPosition: expect.any(String),
        readModelPosition: ready.body.headPosition,
      });
      const health = await http.get('/health').expect(200);
      expect(Object.keys(health.body).sort()).toEqual([
        'eventLoopMaxDelayMs',
        'headPosition',
        'readModelPosition',
        'status',
      ]);
    });
  });

  describe('metrics', () => {
    let text = '';
    const scrape = async () => {
      const response = await http.get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = response.text;
      return parsePrometheusTextFormat(response.text);
    };
    /** The parser folds a labelled histogram's series into one (prom2json's flattening), so its counts are read from the lines. */
    const requestCounts = (route: string, method: string) =>
      Object.fromEntries(
        [
          ...text.matchAll(
            /^http_request_duration_seconds_count\{method="([^"]+)",route="([^"]+)",status_code="(\d+)"\} (\d+)$/gm,
          ),
        ]
          .filter(([, m, r]) => m === method && r === route)
          .map(([, , , status, count]) => [status, Number(count)]),
      );
    const family = (families: Awaited<ReturnType<typeof scrape>>, name: string) =>
      families.find((f) => f.name === name)!;
    const value = (families: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string> = {}) =>
      Number(
        family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
          ?.value,
      );

    it('counts requests by route and status, commands by type and outcome, appends and events, and reads positions, streams and the tree', async () => {
      const commandId = randomUUID();
      await http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'metrics-m', commandId }))
        .expect(201);
      await http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'metrics-m', commandId }))
        .expect(200);
      await http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'metrics-m' }))
        .expect(422);
      await http.get('/v1/subjects/acme/state').set(bearer('reader')).expect(200);
      const stream = await SseConnection.open(`${base}/v1/changes`, bearer('reader'));
      await stream.until(() => true);

      const families = await scrape();
      expect(family(families, 'http_request_duration_seconds').type).toBe('HISTOGRAM');
      expect(requestCounts('/v1/commands', 'POST')).toEqual({ '201': 1, '200': 1, '422': 1 });
      // Routes are patterns, never raw paths: the label set stays bounded whatever clients ask for.
      expect(Object.keys(requestCounts('/v1/subjects/:subjectId/state', 'GET'))).toEqual(['200']);
      expect(text).not.toMatch(/route="[^"]*acme/);

      expect(value(families, 'regledger_commands_total', { type: 'ImposeRestriction', outcome: 'applied' })).toBe(1);
      expect(value(families, 'regledger_commands_total', { type: 'ImposeRestriction', outcome: 'repeated' })).toBe(1);
      expect(value(families, 'regledger_commands_total', { type: 'ImposeRestriction', outcome: 'invariant' })).toBe(1);
      expect(value(families, 'regledger_appends_total')).toBe(1);
      expect(value(families, 'regledger_events_appended_total')).toBe(1);
      const head = Number(await store.headPosition());
      expect(value(families, 'regledger_log_head_position')).toBe(head);
      expect(value(families, 'regledger_read_model_position')).toBe(head);
      expect(value(families, 'regledger_read_model_lag_events')).toBe(0);
      expect(value(families, 'regledger_integrity_tree_size')).toBe(head);
      expect(value(families, 'regledger_sse_connections', { feed: 'ledger' })).toBe(1);
      expect(value(families, 'regledger_sse_connections', { feed: 'effective' })).toBe(0);
      expect(value(families, 'regledger_sse_cut_offs_total', { feed: 'ledger' })).toBe(0);
      // Node and process defaults.
      expect(value(families, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(value(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      stream.close();
    });

    it('counts the commands, appends and events of a pipelined batch like those of single commands', async () => {
      const before = await scrape();
      const count = (families: typeof before, name: string, labels: Record<string, string> = {}) =>
        value(families, name, labels) || 0;
      const batch = [
        imposeBody({ measureId: 'metrics-batch' }),
        ...['b1', 'b2'].map((s) => ({
          type: 'AddSubjects',
          measureId: 'metrics-batch',
          subjects: [s],
          effectiveFrom: '2019-08-19',
        })),
      ];
      await http
        .post('/v1/commands/batch')
        .set(bearer('writer'))
        .set('Idempotency-Key', randomUUID())
        .send(batch)
        .expect(200);
      const after = await scrape();
      const grew = (name: string, labels: Record<string, string> = {}) =>
        count(after, name, labels) - count(before, name, labels);
      expect(grew('regledger_commands_total', { type: 'ImposeRestriction', outcome: 'applied' })).toBe(1);
      expect(grew('regledger_commands_total', { type: 'AddSubjects', outcome: 'applied' })).toBe(2);
      expect(grew('regledger_appends_total')).toBe(3);
      expect(grew('regledger_events_appended_total')).toBe(3);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from a configured origin before any key, and gives other origins nothing', async () => {
      const preflight = await http
        .options('/v1/changes')
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
      const simple = await http.get('/v1/events?limit=1').set('Origin', ORIGIN).set(bearer('reader')).expect(200);
      expect(simple.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(simple.headers['access-control-expose-headers'])).toContain('X-Correlation-Id');
      const stranger = await http
        .get('/v1/events?limit=1')
        .set('Origin', 'https://evil.example')
        .set(bearer('reader'))
        .expect(200);
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('is off unless LEDGER_CORS_ORIGINS lists origins, and refuses a value that is not an origin', () => {
      expect(loadConfig({}).corsOrigins).toEqual([]);
      expect(() => loadConfig({ LEDGER_CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(
        /^LEDGER_CORS_ORIGINS: "https:\/\/app.example.com\/path" is not an origin/,
      );
    });
  });

  describe('stream tickets', () => {
    const ticket = async () =>
      (await http.post('/v1/changes/tickets').set(bearer('reader')).expect(201)).body as {
        ticket: string;
        expiresAt: string;
      };

    it('are issued to a reader for 60 s, and open either feed once, without a key', async () => {
      const issued = await ticket();
      expect(issued.expiresAt).toBe(new Date(now + 60_000).toISOString());
      const stream = await SseConnection.open(`${base}/v1/changes?after=0&ticket=${issued.ticket}`, {});
      expect(stream.status).toBe(200);
      stream.close();
      const again = await SseConnection.open(`${base}/v1/changes?after=0&ticket=${issued.ticket}`, {});
      expect(again.status).toBe(401);
      const effective = await SseConnection.open(`${base}/v1/changes/effective?ticket=${(await ticket()).ticket}`, {});
      expect(effective.status).toBe(200);
      effective.close();
    });

    it('expire after 60 s, need a key to get, and open nothing but the feeds', async () => {
      await http.post('/v1/changes/tickets').expect(401);
      const late = await ticket();
      now += 60_001;
      await http.get(`/v1/changes?ticket=${late.ticket}`).expect(401);
      await http.get(`/v1/events?ticket=${(await ticket()).ticket}`).expect(401);
    });

    it('are masked in the request log', async () => {
      const issued = await ticket();
      const stream = await SseConnection.open(`${base}/v1/changes?ticket=${issued.ticket}`, {
        'X-Correlation-Id': 'ticket-log',
      });
      stream.close();
      const lines = await logged('ticket-log');
      expect(lines[0]!.req).toMatchObject({ url: '/v1/changes?ticket=[masked]' });
      expect(JSON.stringify(logLines)).not.toContain(issued.ticket);
    });
  });
});
