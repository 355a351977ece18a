/**
 * Response headers every answer carries (helmet), and cross-origin access for
 * the origins an operator lists. The content security policy allows what the
 * API documentation (/docs, Swagger UI: its own scripts, inline styles,
 * data: images) and a web app served from this origin need, and nothing from
 * elsewhere. `upgrade-insecure-requests` is left out: a server reached over
 * plain HTTP inside a network would otherwise see its pages ask for https.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Registers @fastify/helmet on every answer (its onRequest hook), errors and 404s included. */
export async function securityHeaders(fastify: FastifyInstance): Promise<void> {
  await fastify.register(helmet, HELMET_OPTIONS);
}

const HELMET_OPTIONS: FastifyHelmetOptions = {
  global: true,
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
