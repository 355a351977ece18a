/**
 * Authentication and the role check happen before a request body is read:
 * a caller without the right key learns nothing from how its body parses,
 * and cannot make the server read (or wait for) a body it will refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROLLERS } from '../../src/app.module.js';
import { RequiresRole } from '../../src/auth/auth.guard.js';
import { RouteTable } from '../../src/auth/route-access.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('app/auth-before-body', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ bodyLimit: '1kb' });
  });
  afterAll(async () => {
    await t.close();
  });

  const malformed = '{"type": "ImposeRestriction", ';
  const oversized = JSON.stringify({ ...imposeBody(), title: 'x'.repeat(4096) });
  const eventCount = async () => (await t.store.readAll()).length;

  describe('a write without the right key', () => {
    it.each([
      ['no key', 401, {}],
      ['an unknown key', 401, { Authorization: 'Bearer not-a-key' }],
      ['a reader key', 403, bearer('reader')],
    ])('with %s is refused (%d) before its body is parsed, malformed or oversized', async (_label, status, headers) => {
      for (const path of ['/v1/commands', '/v1/commands/batch']) {
        const bad = await t.http.post(path).set(headers).set('Content-Type', 'application/json').send(malformed);
        expect({ path, status: bad.status, error: bad.body.error }).toEqual({
          path,
          status,
          error: status === 401 ? 'Unauthorized' : 'Forbidden',
        });
        const big = await t.http.post(path).set(headers).set('Content-Type', 'application/json').send(oversized);
        expect({ path, status: big.status }).toEqual({ path, status });
        expect(big.body).toMatchObject({ statusCode: status, details: [] });
      }
      expect(await eventCount()).toBe(0);
    });

    it('is refused while its body is still on the way: the server does not wait for it', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/commands',
          headers: { 'Content-Type': 'application/json', 'Content-Length': '100000' },
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk) => (body += String(chunk)));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        });
        request.on('error', reject);
        request.write('{"type": "Impo'); // and never the rest
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 401, message: expect.stringContaining('API key') });
    });

    it('POST /v1/admin/rebuild needs an admin key, before its body is read', async () => {
      const response = await t.http
        .post('/v1/admin/rebuild')
        .set(bearer('writer'))
        .set('Content-Type', 'application/json')
        .send(malformed);
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('needs admin');
    });
  });

  describe('with the right key', () => {
    it('the body is then parsed and checked as before (400 for malformed, 413 for oversized)', async () => {
      const bad = await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .set('Content-Type', 'application/json')
        .send(malformed);
      expect(bad.status).toBe(400);
      const big = await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .set('Content-Type', 'application/json')
        .send(oversized);
      expect(big.status).toBe(413);
    });

    it('records the key name as the actor', async () => {
      await t.http
        .post('/v1/commands')
        .set(bearer('admin'))
        .send(imposeBody({ measureId: 'actor-check' }))
        .expect(201);
      const [event] = await t.store.readAll({ direction: 'backwards', maxCount: 1 });
      expect(event!.metadata.actor).toBe('admin-key');
    });
  });

  describe('closed by default', () => {
    it('answers the public pages without a key, and everything else only with one', async () => {
      await t.http.get('/health').expect(200);
      await t.http.get('/HEALTH/').expect(200);
      await t.http.get('/asyncapi.json').expect(200);
      await t.http.get('/docs/openapi.json').expect(200);
      await t.http.get('/v1/events').expect(401);
      await t.http.get('/v1/subjects/acme/state').expect(401);
      // A path no route serves is not told apart from one that exists, without a key.
      await t.http.get('/v1/no-such-thing').expect(401);
      await t.http.get('/v1/no-such-thing').set(bearer('reader')).expect(404);
    });

    it('every route the application serves says who may call it', () => {
      const table = RouteTable.fromControllers(CONTROLLERS);
      expect(table.accessFor('POST', '/v1/commands')).toBe('writer');
      expect(table.accessFor('POST', '/v1/commands/batch')).toBe('writer');
      expect(table.accessFor('POST', '/v1/admin/rebuild')).toBe('admin');
      expect(table.accessFor('GET', '/v1/subjects/huawei/state')).toBe('reader');
      expect(table.accessFor('HEAD', '/v1/events')).toBe('reader');
      expect(table.accessFor('GET', '/health')).toBe('public');
      expect(table.accessFor('DELETE', '/health')).toBeUndefined();
    });

    it('refuses to start with a route marked neither @RequiresRole nor @Public', () => {
      @Controller('v1')
      class Unmarked {
        @Get('open')
        @RequiresRole('reader')
        open() {}

        @Post('forgotten')
        forgotten() {}
      }
      expect(() => RouteTable.fromControllers([Unmarked])).toThrow(
        'Unmarked.forgotten (POST /v1/forgotten) is marked neither @RequiresRole nor @Public',
      );
    });
  });
});
