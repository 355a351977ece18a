/**
 * Response headers every answer carries (helmet), and cross-origin access for
 * the origins an operator lists. The content security policy allows what the
 * API documentation (/docs, Swagger UI: its own scripts, inline styles,
 * data: images) and a web app served from this origin need, and nothing from
 * elsewhere. `upgrade-insecure-requests` is left out: a server reached over
 * plain HTTP inside a network would otherwise see its pages ask for https.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's headers on every answer, errors and 404s included. They depend on
 * the options alone (no nonces), so helmet works them out once, here, rather
 * than on each request as its middleware would (4 % of a query's CPU time).
 */
export function securityHeaders(fastify: FastifyInstance): void {
  const headers = helmetHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, () => (done = true));
  if (!done) throw new Error('helmet did not settle its headers synchronously');
  return headers;
}

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': null,
    },
  },
  frameguard: { action: 'deny' },
};

/** The headers a browser client sends and may read. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id', 'Last-Event-ID'];
const EXPOSED_HEADERS = ['X-Correlation-Id', 'Location', 'Retry-After'];

/** CORS for the configured origins only; with none, no cross-origin answer is given (the browser refuses). */
export async function enableCors(app: NestFastifyApplication, origins: string[]): Promise<void> {
  if (!origins.length) return;
  app.enableCors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // Loaded now, so its preflight answer comes before the key check added next.
  await app.getHttpAdapter().getInstance().after();
}
