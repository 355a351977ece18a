/**
 * One error shape for every HTTP answer: {statusCode, error, message, details[]}.
 */
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { HTTP_ERROR_NAME, HTTP_STATUS, LedgerError, type ErrorDetail } from '../errors.js';
import { depthProblem } from '../json-shape.js';

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
    return { statusCode, error: HTTP_ERROR_NAME[statusCode] ?? 'Error', message: error.message, details: frameworkDetails(statusCode, error.message) };
  }
  return { statusCode: 500, error: HTTP_ERROR_NAME[500]!, message: 'internal error', details: [] };
}

/** A 4xx raised below the routes (a path segment that does not decode, say) still names its rule. */
function frameworkDetails(statusCode: number, message: string): ErrorDetail[] {
  if (statusCode >= 500) return [];
  const undecodable = /^Failed to decode param '(.*)'$/s.exec(message);
  if (undecodable) return [{ field: 'path', rule: 'isPercentEncoded', message: 'a path segment is not valid percent-encoded UTF-8', value: undecodable[1] }];
  const name = HTTP_ERROR_NAME[statusCode] ?? 'Error';
  return [{ rule: name.charAt(0).toLowerCase() + name.slice(1).replace(/[^A-Za-z]/g, ''), message }];
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const body = errorBody(error);
    if (body.statusCode >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const extra = error instanceof LedgerError ? error.extra : {};
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json({ ...body, ...extra });
  }
}

/** Body parsing for JSON and NDJSON, with its failures (bad JSON, too large) in the one error shape. */
export function bodyParsers(limitBytes: number): RequestHandler {
  const parsers = [
    express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'] }),
    express.text({ limit: limitBytes, type: ['application/x-ndjson', 'application/jsonl'] }),
  ];
  return (request: Request, response: Response, next: NextFunction) => {
    const run = (index: number) => {
      const parser = parsers[index];
      if (!parser) return next();
      parser(request, response, (error?: unknown) => {
        if (error) return sendBodyError(response, error, limitBytes);
        // Checked here, iteratively, before anything that recurses (validators, transformers) walks the body.
        const tooDeep = depthProblem(request.body);
        if (tooDeep) return sendError(response, new LedgerError('bad-input', tooDeep.message, [tooDeep]));
        run(index + 1);
      });
    };
    run(0);
  };
}

function sendBodyError(response: Response, error: unknown, limitBytes: number): void {
  const type = (error as { type?: string }).type;
  const ledgerError =
    type === 'entity.too.large'
      ? new LedgerError('too-large', `the request body is larger than the limit of ${limitBytes} bytes`, [{ rule: 'maxBodySize', message: `at most ${limitBytes} bytes` }])
      : new LedgerError('bad-input', `the request body is not valid JSON: ${(error as Error).message}`, [{ rule: 'isJson', message: (error as Error).message }]);
  sendError(response, ledgerError);
}

function sendError(response: Response, error: LedgerError): void {
  const body = errorBody(error);
  response.status(body.statusCode).json(body);
}
