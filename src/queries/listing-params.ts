/** A listing's parameters (`prefix`, `after`, `limit`), read the same way by HTTP and the CLI. */
import type { ListingQuery } from '../../projections/listings.js';
import type { ErrorDetail } from '../errors.js';
import { idParam, throwIfProblems } from './knowledge.js';

export const MAX_LISTING_PAGE = 500;
export const DEFAULT_LISTING_PAGE = 50;
const PREFIX_PATTERN = /^[a-z0-9._-]{0,128}$/;

export interface ListingParams {
  prefix?: string;
  after?: string;
  limit?: string;
}

export function parseListing(params: ListingParams): ListingQuery {
  const problems: ErrorDetail[] = [];
  if (params.prefix !== undefined && !PREFIX_PATTERN.test(params.prefix)) {
    problems.push({
      field: 'prefix',
      rule: 'isIdPrefix',
      message: 'prefix must be the start of an id: lowercase letters, digits, . _ -',
      value: params.prefix,
    });
  }
  if (params.after !== undefined && params.after !== '') idParam('after', params.after, problems);
  let limit = DEFAULT_LISTING_PAGE;
  if (params.limit !== undefined && params.limit !== '') {
    limit = Number(params.limit);
    if (!/^\d+$/.test(params.limit) || limit < 1 || limit > MAX_LISTING_PAGE) {
      problems.push({
        field: 'limit',
        rule: 'isInRange',
        message: `limit must be a whole number from 1 to ${MAX_LISTING_PAGE}`,
        value: params.limit,
      });
    }
  }
  throwIfProblems(problems);
  return { prefix: params.prefix || undefined, after: params.after || undefined, limit };
}
