/**
 * One error shape for every HTTP answer: {statusCode, error, message, details[]},
 * whether a route, a guard, the body parser or the router itself refused.
 */
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_ERROR_NAME, HTTP_STATUS, LedgerError, type ErrorDetail } from '../errors.js';
import { StorageFailure } from '../event-store/storage-failure.js';
import { outageFailure } from '../event-store/eventstoredb/outage.js';

/** How soon a client should try again after a store that does not answer for now (seconds). */
export const STORE_RETRY_AFTER_SECONDS = 2;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: ErrorDetail[];
  [extra: string]: unknown;
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof LedgerError) {
    const statusCode = HTTP_STATUS[error.kind];
    return { statusCode, error: HTTP_ERROR_NAME[statusCode]!, message: error.message, details: error.details };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    return {
      statusCode,
      error: HTTP_ERROR_NAME[statusCode] ?? 'Error',
      message: error.message,
      details: frameworkDetails(statusCode, error.message),
    };
  }
  return { statusCode: 500, error: HTTP_ERROR_NAME[500]!, message: 'internal error', details: [] };
}

/** A 4xx raised below the routes still names its rule. */
function frameworkDetails(statusCode: number, message: string): ErrorDetail[] {
  if (statusCode >= 500) return [];
  const name = HTTP_ERROR_NAME[statusCode] ?? 'Error';
  return [{ rule: name.charAt(0).toLowerCase() + name.slice(1).replace(/[^A-Za-z]/g, ''), message }];
}

const logger = new Logger('HTTP');

const untakings = new WeakMap<object, (() => void)[]>();

/**
 * Has `untake` run just before `request` is answered with an error, whoever refuses it (the route, a guard, the
 * framework): what the request took on arrival and did not use, a stream ticket, is given back before the client
 * can learn of the refusal and try again.
 */
export function beforeErrorAnswer(request: FastifyRequest, untake: () => void): void {
  untakings.set(request, [...(untakings.get(request) ?? []), untake]);
}

/** Sends the error in the one shape (with a LedgerError's extra fields), logging what is the server's fault. */
export function sendError(reply: FastifyReply, error: unknown): void {
  const untake = untakings.get(reply.request) ?? [];
  untakings.delete(reply.request);
  // Headers already out: the request was served (a stream opened) before it failed, and keeps what it took.
  if (!reply.raw.headersSent) for (const work of untake) work();
  // EventStoreDB not answering, met by code that uses its client directly (leases, subscriber state): a 503 too.
  error = outageFailure(error, 'EventStoreDB');
  const body = errorBody(error);
  // A store that may answer again soon: say when to retry (a damaged file or a full disk will not mend by waiting).
  if (error instanceof StorageFailure && error.kind === 'unavailable' && !error.permanent)
    void reply.header('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
  if (body.statusCode >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  const extra = error instanceof LedgerError ? error.extra : {};
  void reply
    .status(body.statusCode)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ ...body, ...extra }));
}

/**
 * Every error a request meets, Nest's and Fastify's (a URL that does not
 * decode, a body too large, not JSON or of a type not taken, which Nest hands
 * over wrapped in an HttpException), in the one shape.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly bodyLimitBytes: number,
    /** Told of every error a route answers with (the app notes a damaged store for /health). */
    private readonly onError?: (error: unknown) => void,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    this.onError?.(error);
    sendError(host.switchToHttp().getResponse<FastifyReply>(), fromFramework(error, this.bodyLimitBytes));
  }
}

export function fromFramework(error: unknown, limitBytes: number): unknown {
  const cause = error instanceof HttpException ? error.cause : error;
  switch ((cause as { code?: unknown } | undefined)?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LedgerError('too-large', `the request body is larger than the limit of ${limitBytes} bytes`, [
        { rule: 'maxBodySize', message: `at most ${limitBytes} bytes` },
      ]);
    case 'FST_ERR_BAD_URL':
      return new LedgerError('bad-input', 'a path segment is not valid percent-encoded UTF-8', [
        {
          field: 'path',
          rule: 'isPercentEncoded',
          message: 'a path segment is not valid percent-encoded UTF-8',
          value: /'(.*)'/s.exec((cause as Error).message)?.[1] ?? '',
        },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      // As before the move to Fastify: a body of a type not taken is not read, and is no command (400, not 415).
      return new LedgerError(
        'bad-input',
        'the request body must be JSON (application/json), or NDJSON (application/x-ndjson) for a batch',
        [{ field: 'Content-Type', rule: 'isJsonContentType', message: (cause as Error).message }],
      );
  }
  const status = (cause as { statusCode?: unknown } | undefined)?.statusCode;
  if (!(error instanceof HttpException) && typeof status === 'number' && status >= 400 && status < 500)
    return new HttpException((cause as Error).message, status);
  return error;
}
