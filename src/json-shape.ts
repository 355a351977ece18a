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
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
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
    const entries: [string | number, unknown][] = Array.isArray(current)
      ? current.map((v, i) => [i, v])
      : Object.entries(current);
    const children: [unknown, string][] = [];
    for (const [key, child] of entries) {
      const field = pathOf(path, key);
      if (typeof key === 'string' && BUILT_IN_KEYS.has(key))
        problems.push({ field, rule: 'unknownField', message: `${field} is not a field of this command` });
      else children.push([child, field]);
    }
    // Pushed in reverse so that children are visited in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return problems.slice(0, max);
}
