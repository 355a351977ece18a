/**
 * Ledger positions given by a client (`after`, `asOfPosition`,
 * `Last-Event-ID`): decimal whole numbers a store can hold. Both stores keep
 * positions as signed 64-bit integers, so a larger number is bad input, not a
 * failure deep inside the store.
 */
import type { ErrorDetail } from '../errors.js';

export const MAX_POSITION = 2n ** 63n - 1n;

/** The position, or undefined with the problem added; an absent or empty value is undefined without a problem. */
export function positionParam(field: string, value: string | undefined, problems: ErrorDetail[]): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{1,30}$/.test(value)) {
    const position = BigInt(value);
    if (position <= MAX_POSITION) return position;
    problems.push({
      field,
      rule: 'isPosition',
      message: `${field} must be a ledger position no larger than ${MAX_POSITION}`,
      value,
    });
    return undefined;
  }
  problems.push({
    field,
    rule: 'isPosition',
    message: `${field} must be a ledger position: a non-negative whole number`,
    value,
  });
  return undefined;
}
