/**
 * The report as JSON, exactly `JSON.stringify(report, null, 2)` and a line
 * break, written a part at a time: objects and arrays are walked, pausing
 * after each element of an array, and a value holding no array of more than
 * a few elements is written by JSON.stringify at once and re-indented.
 */
import type { SubjectReport } from './report.js';
import { ReportText, type Rendering } from './report-text.js';

const INDENT = '  ';
/** An array this short is written at once, unless an element holds a longer one. */
const SHORT_ARRAY = 16;

const isContainer = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function';

/** Whether JSON.stringify may write the value in one go: no array in it is long. */
function small(value: unknown, depth = 0): boolean {
  if (!isContainer(value)) return true;
  if (depth > 8) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  if (Array.isArray(value) && value.length > SHORT_ARRAY) return false;
  return items.every((item) => small(item, depth + 1));
}

/** The text JSON.stringify(value, null, 2) gives, at `indent`; undefined where it gives nothing (an object's key is then left out). */
function* json(out: ReportText, value: unknown, indent: string): Generator<void, boolean> {
  if (small(value)) {
    const text = JSON.stringify(value, null, 2) as string | undefined;
    if (text === undefined) return false;
    // A string value never holds a raw line break, so every break is one of the layout's.
    out.add(indent ? text.replace(/\n/g, `\n${indent}`) : text);
    return true;
  }
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (!value.length) return (out.add('[]'), true);
    out.add('[');
    for (const [n, item] of value.entries()) {
      out.add(n ? ',\n' : '\n', inner);
      if (!(yield* json(out, item, inner))) out.add('null');
      yield;
    }
    out.add(`\n${indent}]`);
    return true;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) =>
    small(v) ? JSON.stringify(v) !== undefined : true,
  );
  if (!entries.length) return (out.add('{}'), true);
  out.add('{');
  for (const [n, [key, item]] of entries.entries()) {
    out.add(n ? ',\n' : '\n', inner, JSON.stringify(key), ': ');
    yield* json(out, item, inner);
  }
  out.add(`\n${indent}}`);
  return true;
}

export function* reportJson(report: SubjectReport): Rendering {
  const out = new ReportText();
  yield* json(out, report, '');
  out.add('\n');
  return out.toString();
}
