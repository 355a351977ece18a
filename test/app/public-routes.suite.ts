/**
 * Closed by default: a route is public only when marked @Public() (or listed among the pages served outside the
 * controllers), and every public route is named here. A new public route fails this test until it is added below,
 * on purpose. The web app's static pages (/, /subjects/…, /measures/…, /assets/…) are served ahead of the route
 * table and hold no data; test/web covers them.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { PUBLIC_PAGES } from '../../src/app.js';
import { CONTROLLERS } from '../../src/app.module.js';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import { ApiKeyGuard, Public, RequiresRole } from '../../src/auth/auth.guard.js';
import { RouteTable } from '../../src/auth/route-access.js';
import { LedgerError } from '../../src/errors.js';

describe('app/public-routes', () => {
  const PUBLIC_ROUTES = [
    // The web app's pages and assets: it asks for a key itself before it calls the API.
    'GET /',
    'GET /assets/*rest',
    'GET /asyncapi.json',
    'GET /docs',
    'GET /docs/*rest',
    'GET /health',
    'GET /health/live',
    'GET /health/ready',
    'GET /measures/:id',
    'GET /metrics',
    'GET /subjects/:id',
  ];

  const keys = new ApiKeys([{ name: 'root', role: 'admin', sha256: sha256Hex('admin-key') }]);

  /** What the guard decides for a handler of `controller`, asked with `authorization`. */
  function guardSays(controller: new () => object, handler: string, authorization?: string): true | LedgerError {
    const request = { headers: authorization ? { authorization } : {}, query: {} };
    const context = {
      getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
      getClass: () => controller,
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    try {
      return new ApiKeyGuard(keys).canActivate(context) as true;
    } catch (error) {
      if (error instanceof LedgerError) return error;
      throw error;
    }
  }

  @Controller('v1')
  class Fixture {
    @Get('forgotten')
    forgotten() {}

    @Get('open')
    @Public()
    open() {}

    @Get('read')
    @RequiresRole('reader')
    read() {}
  }

  describe('public routes', () => {
    it('are exactly the ones listed here', () => {
      const table = RouteTable.fromControllers(CONTROLLERS, PUBLIC_PAGES);
      expect(table.publicRoutes().sort()).toEqual(PUBLIC_ROUTES);
    });
  });

  describe('a route marked neither @RequiresRole nor @Public', () => {
    it('is refused to every caller, an admin key included', () => {
      expect(guardSays(Fixture, 'forgotten')).toMatchObject({ kind: 'forbidden' });
      expect(guardSays(Fixture, 'forgotten', 'Bearer admin-key')).toMatchObject({ kind: 'forbidden' });
    });

    it('is told apart from a public route and from one that needs a key', () => {
      expect(guardSays(Fixture, 'open')).toBe(true);
      expect(guardSays(Fixture, 'read')).toMatchObject({ kind: 'unauthorized' });
      expect(guardSays(Fixture, 'read', 'Bearer admin-key')).toBe(true);
    });
  });
});
