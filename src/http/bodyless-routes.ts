/**
 * A route that reads no body refuses one with fields, as every route that
 * reads one refuses a field it does not know: `{"force": true}` sent to
 * `POST /v1/admin/rebuild` would otherwise be answered 201 as if it had been
 * heard. No body, or `{}`, is what such a route takes.
 */
import { type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Observable } from 'rxjs';
import { LedgerError, MAX_DETAILS, type ErrorDetail } from '../errors.js';

/** Whether a handler takes its request's body (`@Body()`); a route that takes the raw request is counted as taking it. */
function readsBody(controller: Type, handler: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, unknown>;
  const reads = [RouteParamtypes.BODY, RouteParamtypes.RAW_BODY].map(String);
  return Object.keys(args).some((key) => reads.includes(key.split(':')[0]!));
}

export function bodylessProblems(body: unknown): ErrorDetail[] {
  if (body === undefined) return [];
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [{ rule: 'isObject', message: 'this route takes no body: send none, or {}' }];
  return Object.keys(body)
    .slice(0, MAX_DETAILS)
    .map((field) => ({
      field,
      rule: 'unknownField',
      message: `${field} is not a field of this body: this route takes none`,
    }));
}

export class BodylessRoutes implements NestInterceptor {
  private readonly known = new Map<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    let reads = this.known.get(handler);
    if (reads === undefined) {
      reads = readsBody(context.getClass(), handler.name);
      this.known.set(handler, reads);
    }
    const request = context.switchToHttp().getRequest<{ method?: string; body?: unknown }>();
    // A read's body means nothing to HTTP caches or to the read: only a write's is judged.
    if (!reads && context.getType() === 'http' && !['GET', 'HEAD'].includes(request.method ?? '')) {
      const problems = bodylessProblems(request.body);
      if (problems.length) throw new LedgerError('bad-input', problems[0]!.message, problems);
    }
    return next.handle();
  }
}
