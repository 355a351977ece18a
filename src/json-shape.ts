/**
 * Rules every JSON body obeys before any validator walks it: a bounded nesting
 * depth (validators and transformers recurse, and a body nested thousands deep
 * would overflow the stack), no `null` (DOMAIN.md: an optional field is left
 * out, never null), and no key named after a built-in property of objects
 * (`__proto__`, `constructor`, `toString`, ...): such keys are never fields of
 * the ledger, and validators that look fields up by name or through the
 * prototype chain would not see them as unknown. The walk is iterative, so any
 * depth is safe to check.
 */
import type { ErrorDetail } from './errors.js';

/** Deep enough for every command (batch → command → replacement → sources → source), with room to spare. */
export const MAX_JSON_DEPTH = 16;

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const pathOf = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;

/** The depth of a JSON value (a scalar is 0, `{}` and `[]` are 1), or `limit + 1` as soon as it exceeds `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > limit) return limit + 1;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function depthProblem(value: unknown, limit = MAX_JSON_DEPTH): ErrorDetail | undefined {
  if (jsonDepth(value, limit) <= limit) return undefined;
  return { rule: 'maxDepth', message: `the body nests objects and arrays deeper than ${limit} levels` };
}

/**
 * The nesting depth, null and built-in-key problems of a body, each naming
 * its field; stops after `max` problems.
 */
export function jsonShapeProblems(value: unknown, options: { limit?: number; max?: number } = {}): ErrorDetail[] {
  const depth = depthProblem(value, options.limit);
  if (depth) return [depth];
  const max = options.max ?? Infinity;
  const problems: ErrorDetail[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length && problems.length < max) {
    const [current, path] = stack.pop()!;
    if (current === null) {
      problems.push({
        ...(path ? { field: path } : {}),
        rule: 'isNotNull',
        message: `${path || 'the body'} is null: leave an optional field out rather than set it to null`,
        value: null,
      });
      continue;
    }
    if (typeof current !== 'object') continue;
    const children: [unknown, string][] = [];
    const visit = (key: string | number, child: unknown) => {
      if (typeof key === 'string' && BUILT_IN_KEYS.has(key)) {
        const field = pathOf(path, key);
        problems.push({ field, rule: 'unknownField', message: `${field} is not a field of this command` });
      } else if (typeof child === 'object') {
        // Only objects, arrays and null have anything to check: no path is made for each item of a long list of ids.
        children.push([child, pathOf(path, key)]);
      }
    };
    if (Array.isArray(current)) current.forEach((child, i) => visit(i, child));
    else for (const [key, child] of Object.entries(current)) visit(key, child);
    // Pushed in reverse so that children are visited in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return problems.slice(0, max);
}
