/**
 * The one error shape, as the OpenAPI document states it, and the decorator
 * that declares it on every status a route can answer with an error.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { HTTP_ERROR_NAME, type ErrorDetail } from '../errors.js';
import type { ErrorBody } from './error-response.js';

/** Any JSON value, null included (OpenAPI 3.0 has no type for that). */
export const ANY_JSON = [
  { type: 'string', nullable: true },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'object' },
  { type: 'array', items: {} },
];

export class ErrorDetailDto implements ErrorDetail {
  @ApiProperty({
    required: false,
    description: 'The offending field, as a path (`sources[0].url`, `[3].effectiveFrom`, `line 12: subjects`)',
    example: 'effectiveFrom',
  })
  field?: string;

  @ApiProperty({ description: 'The rule it breaks', example: 'isInstant' })
  rule!: string;

  @ApiProperty({ example: 'effectiveFrom must be an ISO 8601 instant with an offset, or a date' })
  message!: string;

  @ApiProperty({
    required: false,
    description: 'The value given (any JSON value)',
    example: 'yesterday',
    oneOf: ANY_JSON,
  })
  value?: unknown;
}

export class ErrorResponseDto implements ErrorBody {
  [extra: string]: unknown;

  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'effectiveFrom must be an ISO 8601 instant with an offset, or a date' })
  message!: string;

  @ApiProperty({ type: () => [ErrorDetailDto], maxItems: 101 })
  details!: ErrorDetailDto[];
}

/** What each error status means on this API; a route may say more. */
const MEANING: Record<number, string> = {
  400: 'Bad input: every offending field or parameter is named in details[] with the rule it breaks; nothing written.',
  401: 'No API key, or one the ledger does not know (Authorization: Bearer <key>).',
  403: "The key's role may not call this route.",
  404: 'Not found: details[] names what is missing.',
  409: 'The measure stream is not at expectedRevision.',
  413: 'The request body is larger than LEDGER_BODY_LIMIT.',
  422: 'An invariant of the domain would break: the rule and value are named.',
  503: "The ledger's store cannot be read (a damaged file, an unreachable EventStoreDB): the reason is in message.",
  507: 'The disk holding the ledger is full: nothing was written.',
};

/** 507 on a route that writes webhooks' or consumers' state. */
export const SUBSCRIBERS_FILE_FULL =
  'The disk holding the subscribers file (webhooks, consumer checkpoints) is full: nothing was written.';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503 | 507;

/** Declares the error shape on each status, with its meaning (or the route's own words from `said`). */
export function ApiErrors(statuses: ErrorStatus[], said: Partial<Record<ErrorStatus, string>> = {}) {
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: said[status] ?? MEANING[status] ?? HTTP_ERROR_NAME[status] ?? 'Error',
        type: ErrorResponseDto,
      }),
    ),
  );
}

/** Every route that needs a key: the guard answers 401 and 403, the strict query check 400, the store 503. */
export const ApiKeyRouteErrors = () => ApiErrors([400, 401, 403, 503]);
