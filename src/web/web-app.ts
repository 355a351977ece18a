/**
 * The auditor's web app, built by vite into dist/web and served at `/` by the
 * same server, without a key (the app asks for one and sends it with each API
 * call). Hashed assets under /assets are cached for good; index.html is
 * answered for the app's own routes (/, /subjects/…, /measures/…) and always
 * revalidated, so a new build is picked up on the next load.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { LedgerError } from '../errors.js';
import { errorBody } from '../http/error-response.js';

export const WEB_ROOT = join(packageRoot(), 'dist', 'web');

/**
 * The Content-Security-Policy the app works under (test/web/web-app.test.ts
 * loads it so): its own scripts only, no inline script; inline styles, since
 * Observable Plot writes a <style> element and style attributes into each chart.
 */
export const WEB_APP_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/** Paths the app routes itself: the page is index.html, the app reads the rest of the URL. */
const APP_ROUTE = /^\/(?:|subjects\/[^/]+|measures\/[^/]+)\/?$/;

export function webApp(root: string = WEB_ROOT): RequestHandler {
  const assets = express.static(join(root, 'assets'), {
    immutable: true,
    maxAge: '365d',
    index: false,
    fallthrough: false,
  });
  let index: Buffer | undefined;
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path.startsWith('/assets/')) {
      request.url = request.url.slice('/assets'.length);
      return assets(request, response, (error?: unknown) => {
        if (!error) return next();
        const status = (error as { status?: number }).status ?? 500;
        const answer = status === 404 ? new LedgerError('not-found', `no such asset: ${request.path}`) : new LedgerError('unavailable', 'the asset cannot be read');
        response.status(status === 404 ? 404 : 503).json(errorBody(answer));
      });
    }
    if (!APP_ROUTE.test(request.path)) return next();
    if (!index) {
      const file = join(root, 'index.html');
      if (!existsSync(file)) {
        return void response.status(503).json(errorBody(new LedgerError('unavailable', 'The web app is not built: run `npm run build` (it builds the server and the app).')));
      }
      index = readFileSync(file);
    }
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(index);
  };
}
