/**
 * Rules every JSON body obeys before any validator walks it: a bounded nesting
 * depth (validators and transformers recurse, and a body nested thousands deep
 * would overflow the stack), no `null` (DOMAIN.md: an optional field is left
 * out, never null), and no key named after a built-in property of objects
 * (`__proto__`, `constructor`, `toString`, ...): such keys are never fields of
 * the ledger, and validators that look fields up by name or through the
 * prototype chain would not see them as unknown. The walk is iterative, so any
 * depth is safe to check.
 *
 * Text is well-formed Unicode: JSON's `\ud800` escape yields a string holding
 * an unpaired UTF-16 surrogate, which has no UTF-8 form, so it could be neither
 * hashed (canonical JSON refuses it) nor stored and read back as sent. Only a
 * JSON body can carry one: query strings and path segments arrive
 * percent-encoded as UTF-8 (an invalid sequence is decoded to U+FFFD or
 * refused), and header values are Latin-1.
 */
import type { ErrorDetail } from './errors.js';

/** Deep enough for every command (batch → command → replacement → sources → source), with room to spare. */
export const MAX_JSON_DEPTH = 16;

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** An unpaired surrogate: with the `u` flag a paired one is read as the code point it encodes, never as category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Any surrogate, paired or not: five times cheaper to look for, and absent from nearly all text. */
const ANY_SURROGATE = /[\ud800-\udfff]/;
const isIllFormed = (text: string) => ANY_SURROGATE.test(text) && LONE_SURROGATE.test(text);

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

/** `subject` is what the problem is told of: a field, or a key of one. */
function illFormed(field: string, subject: string, text: string): ErrorDetail {
  const at = text.search(LONE_SURROGATE);
  const unit = text.charCodeAt(at).toString(16);
  return {
    ...(field ? { field } : {}),
    rule: 'wellFormedUnicode',
    message: `${subject} holds an unpaired UTF-16 surrogate (\\u${unit} at character ${at}): text must be well-formed Unicode`,
  };
}

/** The strings of a JSON value, keys included, that are not well-formed Unicode, each naming its field; stops after `max`. */
export function unicodeProblems(value: unknown, max = Infinity): ErrorDetail[] {
  // Nearly every body has none: a walk that allocates nothing says so, and only a body with one is walked for paths.
  if (!holdsLoneSurrogate(value)) return [];
  const problems: ErrorDetail[] = [];
  // A key is pushed as its own entry, so that its problem comes in document order with those of values.
  const stack: { item: unknown; path: string; isKey?: true }[] = [{ item: value, path: '' }];
  while (stack.length && problems.length < max) {
    const { item, path, isKey } = stack.pop()!;
    if (typeof item === 'string') {
      // A key cannot be spelt in a path: the object holding it is named instead.
      const subject = isKey ? `a key of ${path || 'the body'}` : path || 'the body';
      if (LONE_SURROGATE.test(item)) problems.push(illFormed(path, subject, item));
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(item)
      ? item.map((child, i) => [i, child])
      : Object.entries(item);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (typeof child === 'string' || (typeof child === 'object' && child !== null))
        stack.push({ item: child, path: pathOf(path, key) });
      if (typeof key === 'string') stack.push({ item: key, path, isKey: true });
    }
  }
  return problems;
}

function holdsLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (isIllFormed(item)) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) if (typeof child !== 'number' && typeof child !== 'boolean') stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const key in item) {
        if (isIllFormed(key)) return true;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** Whether JSON text may hold an unpaired surrogate: only a `\uD800`-`\uDFFF` escape makes one (decoded UTF-8 never does). */
export function mayHoldLoneSurrogate(jsonText: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(jsonText);
}

/**
 * The nesting depth, null, built-in-key and ill-formed text problems of a
 * body, each naming its field; stops after `max` problems.
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
  if (problems.length < max) problems.push(...unicodeProblems(value, max - problems.length));
  return problems.slice(0, max);
}
