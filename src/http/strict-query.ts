/**
 * Strict query parameters: a route accepts exactly the query parameters its
 * `@ApiQuery` decorators declare (one source for the OpenAPI document and the
 * check), each at most once. A typo (`asof=`) must never be answered as if it
 * were not there, nor an empty value (`subject=`, a bare `at`) as if it were
 * absent. Runs as a global guard, so it rejects before any handler
 * runs, and before a change feed starts its stream.
 */
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LedgerError, type ErrorDetail } from '../errors.js';

/** Where @nestjs/swagger keeps a handler's @ApiQuery/@ApiParam declarations (its DECORATORS.API_PARAMETERS, not exported). */
const API_PARAMETERS = 'swagger/apiParameters';

interface DeclaredParameter {
  name?: string;
  in?: string;
}

/** The query parameters a handler declares with @ApiQuery. */
export function declaredQueryParameters(handler: object): string[] {
  const declared = (Reflect.getMetadata(API_PARAMETERS, handler) ?? []) as DeclaredParameter[];
  return declared.filter((p) => p.in === 'query' && typeof p.name === 'string').map((p) => p.name!);
}

/** What is wrong with a request's query, given the names allowed. */
export function queryProblems(query: Record<string, unknown>, allowed: readonly string[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const accepted = allowed.length ? `accepted: ${allowed.join(', ')}` : 'this route accepts none';
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) {
      problems.push({
        field: name,
        rule: 'unknownParameter',
        message: `${name} is not a query parameter of this route (${accepted})`,
        value,
      });
    } else if (Array.isArray(value)) {
      problems.push({
        field: name,
        rule: 'repeatedParameter',
        message: `${name} is a repeated parameter: give it once (a list is comma-separated)`,
        value,
      });
    } else if (typeof value !== 'string') {
      problems.push({ field: name, rule: 'isString', message: `${name} must be a plain value`, value });
    } else if (value === '') {
      // `subject=` from an empty variable must not answer as if no filter were asked for (every event), nor `after=`
      // from an empty checkpoint as "from now" (all history skipped), nor `at=` as now.
      problems.push({
        field: name,
        rule: 'isNotEmpty',
        message: `${name} is empty: give a value, or leave ${name} out`,
        value,
      });
    }
  }
  return problems;
}

export class StrictQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const problems = queryProblems(
      request.query as Record<string, unknown>,
      declaredQueryParameters(context.getHandler()),
    );
    if (problems.length) throw new LedgerError('bad-input', problems.map((p) => p.message).join('; '), problems);
    return true;
  }
}
