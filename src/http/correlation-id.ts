/**
 * Every request's correlation id: the caller's X-Correlation-Id when it is
 * usable (up to 128 letters, digits and `._:@/+=-`), otherwise a new UUID. It
 * is settled once, when the request comes in, and that one id is sent back in
 * X-Correlation-Id, logged as the request id and recorded by the commands the
 * request appends: a client finds its request's events by the id it got back.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';
const USABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

const settled = new WeakMap<IncomingMessage, string>();

/** The request's correlation id, settled on first asking. */
export function correlationIdOf(request: IncomingMessage): string {
  let id = settled.get(request);
  if (id === undefined) {
    const given = request.headers['x-correlation-id'];
    id = typeof given === 'string' && USABLE.test(given) ? given : randomUUID();
    settled.set(request, id);
  }
  return id;
}

/** Sends each request's correlation id back, errors and refusals included. */
export function sendCorrelationIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_ID_HEADER, correlationIdOf(request.raw));
    done();
  });
}
