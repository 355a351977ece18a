import { expect } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';

/**
 * `expect(actual).toEqual(expected)` for the large answers a property compares on every run. Jest's equality walks
 * each value through its custom testers and asymmetric matchers, several times slower than node's; two values that
 * are deep-strict-equal are equal to `toEqual` too, so they pass at once, and any other pair goes through `toEqual`,
 * which decides as before and describes the difference.
 */
export function expectEqual(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}
