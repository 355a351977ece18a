/**
 * The auditor's web app, built by vite into dist/web and served at `/` by the
 * same server, without a key (the app asks for one and sends it with each API
 * call). Hashed assets under /assets are cached for good; index.html is
 * answered for the app's own routes (/, /subjects/…, /measures/…) and always
 * revalidated, so a new build is picked up on the next load.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { LedgerError } from '../errors.js';
import { sendError } from '../http/error-response.js';
import { sendFile } from '../http/static-files.js';
import { pathOf } from '../http/request-path.js';

export const WEB_ROOT = join(packageRoot(), 'dist', 'web');

/**
 * The Content-Security-Policy the app works under (test/web/web-app.suite.ts
 * loads it so): its own scripts only, no inline script; inline styles, since
 * Observable Plot writes a <style> element and style attributes into each chart.
 */
export const WEB_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

const IMMUTABLE = { cacheControl: 'public, max-age=31536000, immutable' };

/** The routes the app answers without a key (the auth hook reads them too). */
export const WEB_APP_ROUTES = ['/', '/subjects/:id', '/measures/:id'];
export const WEB_ASSETS_ROUTE = '/assets/*';

/** Routes on the Fastify instance for the app's page and its assets. */
export function registerWebApp(instance: FastifyInstance, root: string = WEB_ROOT): void {
  let index: Buffer | undefined;
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!index) {
      const file = join(root, 'index.html');
      if (!existsSync(file)) {
        sendError(
          reply,
          new LedgerError(
            'unavailable',
            'The web app is not built: run `npm run build` (it builds the server and the app).',
          ),
        );
        return reply;
      }
      index = readFileSync(file);
    }
    return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(index);
  };
  for (const path of WEB_APP_ROUTES) instance.get(path, page);
  // The path as sent (still encoded): sendFile decodes it once.
  instance.get(WEB_ASSETS_ROUTE, (request, reply) =>
    sendFile(request, reply, join(root, 'assets'), pathOf(request.url).slice('/assets/'.length), IMMUTABLE),
  );
}
