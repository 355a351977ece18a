/**
 * Errors as values a user can act on, and the one place that maps them to
 * HTTP statuses and CLI exit codes.
 */
export type ErrorKind =
  | 'bad-input'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'invariant'
  | 'unavailable'
  | 'internal'
  | 'storage-full';

export interface ErrorDetail {
  /** The offending field, as a path (`sources[0].url`, `[3].effectiveFrom`, `line 12: subjects`). */
  field?: string;
  /** The rule it breaks (`isInstant`, `measure-exists`, ...). */
  rule: string;
  message: string;
  value?: unknown;
}

/**
 * At most this many details in one error: a hostile batch of thousands of bad
 * commands must not get back an answer many times its own size.
 */
export const MAX_DETAILS = 100;

/**
 * The first MAX_DETAILS problems, then one `maxDetails` detail saying how many
 * more there were. A caller that stopped checking early ends its list with its
 * own `maxDetails` detail, which is kept.
 */
export function capDetails(details: ErrorDetail[]): ErrorDetail[] {
  const last = details[details.length - 1];
  const summary = last?.rule === 'maxDetails' ? last : undefined;
  const problems = summary ? details.slice(0, -1) : details;
  if (problems.length <= MAX_DETAILS) return details;
  const more = problems.length - MAX_DETAILS;
  return [
    ...problems.slice(0, MAX_DETAILS),
    summary ?? {
      rule: 'maxDetails',
      message: `${more} more ${more === 1 ? 'problem' : 'problems'} not listed`,
      value: more,
    },
  ];
}

export class LedgerError extends Error {
  readonly details: ErrorDetail[];

  constructor(
    readonly kind: ErrorKind,
    message: string,
    details: ErrorDetail[] = [],
    /** More fields for the error body, e.g. the results a batch got before it stopped. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LedgerError';
    this.details = capDetails(details);
  }
}

export const HTTP_STATUS: Record<ErrorKind, number> = {
  'bad-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  invariant: 422,
  unavailable: 503,
  internal: 500,
  'storage-full': 507,
};

export const HTTP_ERROR_NAME: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** CLI: 0 done, 2 bad input, 3 rejected by an invariant, 1 anything else. */
export const EXIT_CODE: Record<ErrorKind, number> = {
  'bad-input': 2,
  invariant: 3,
  unauthorized: 1,
  forbidden: 1,
  'not-found': 1,
  conflict: 1,
  'too-large': 2,
  unavailable: 1,
  internal: 1,
  'storage-full': 1,
};

/** Prefixes every detail's field, e.g. with a batch index or a line number. */
export function prefixDetails(details: ErrorDetail[], prefix: string): ErrorDetail[] {
  const join = prefix.startsWith('[') ? '.' : ': ';
  return details.map((d) => ({
    ...d,
    field: d.field ? `${prefix}${join}${d.field}` : prefix,
    message: `${prefix}: ${d.message}`,
  }));
}
