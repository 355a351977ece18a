/**
 * One JSON line per request (pino-http): method, URL, status, time taken,
 * and the request id, which is the request's correlation id
 * (http/correlation-id.ts: sent back, and recorded by commands). Headers are never
 * logged, so neither an Authorization header nor a key can reach the log; a
 * stream ticket in a URL is masked. The serializers copy three fields, so a
 * request costs one small object and one write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { correlationIdOf } from '../http/correlation-id.js';

/**
 * Writes synchronously to stdout: sonic-boom's asynchronous mode flushes at
 * exit in a loop that never ends once stdout's reader has gone (EPIPE), so a
 * server whose log collector died could not stop. A synchronous write is one
 * small system call per line; on EPIPE pino stops logging and the server goes on.
 */
export function logger(destination?: DestinationStream): Logger {
  return pino(
    { base: { service: 'regledger' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export function maskTickets(url: string): string {
  return url.includes('ticket=') ? url.replace(/([?&]ticket=)[^&#]*/g, '$1[masked]') : url;
}

/** A Fastify onRequest hook logging each request once its response has ended (or its client has gone). */
export function requestLog(log: Logger) {
  const middleware = pinoHttp({
    logger: log,
    wrapSerializers: false,
    quietReqLogger: true,
    // The id sent back and recorded by commands (http/correlation-id.ts), whichever hook asks first.
    genReqId: (request: IncomingMessage) => correlationIdOf(request),
    serializers: {
      req: (request: IncomingMessage & { id?: unknown }) => ({
        id: request.id,
        method: request.method,
        url: maskTickets(request.url ?? ''),
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
  });
  return (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void): void =>
    middleware(request.raw, reply.raw, done);
}
