/** Errors the ledger answers, typed: every 4xx/5xx is {statusCode, error, message, details[]}. */
import type { components } from './openapi.js';

export type ErrorBody = components['schemas']['ErrorResponseDto'];
export type ErrorDetail = components['schemas']['ErrorDetailDto'];

export class LedgerApiError extends Error {
  override readonly name = 'LedgerApiError';

  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${status} ${body.error}: ${body.message}`);
  }

  get details(): ErrorDetail[] {
    return this.body.details;
  }

  /** A request that will fail the same way again: bad input, a missing or weak key, nothing there. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }

  /** The error a response carries, keeping its body when it is the ledger's shape. */
  static async from(response: Response): Promise<LedgerApiError> {
    const text = await response.text().catch(() => '');
    let body: ErrorBody;
    try {
      body = JSON.parse(text) as ErrorBody;
      if (typeof body?.message !== 'string' || !Array.isArray(body.details)) throw new Error('not the error shape');
    } catch {
      body = {
        statusCode: response.status,
        error: response.statusText || 'Error',
        message: text.slice(0, 500) || response.statusText,
        details: [],
      };
    }
    return new LedgerApiError(response.status, body);
  }
}

/**
 * The data of an openapi-fetch answer, or its error thrown as a LedgerApiError:
 * `const page = await orThrow(ledger.api.GET('/v1/events'))`.
 */
export async function orThrow<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const body = (error ?? {}) as Partial<ErrorBody>;
    throw new LedgerApiError(response.status, {
      statusCode: response.status,
      error: body.error ?? response.statusText,
      message: body.message ?? response.statusText,
      details: body.details ?? [],
      ...body,
    });
  }
  return data as T;
}
