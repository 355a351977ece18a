/**
 * The report as JSON, exactly `JSON.stringify(report, null, 2)` and a line
 * break, written a part at a time: objects and arrays are walked, pausing
 * after each element of an array, and a value holding no array of more than
 * a few elements is written by JSON.stringify at once and re-indented.
 */
import type { AnsweredReport } from './answered-report.js';
import { ReportText, type Rendering } from './report-text.js';

/** An array this short is written at once, unless an element holds a longer one. */
const SHORT_ARRAY = 16;
const PRIMITIVES_PER_PAUSE = 256;

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

/** How JSON.stringify lays a value out: with `gap` (its `space`), or on one line when it is empty. */
interface Layout {
  gap: string;
  indent: string;
}

/**
 * Writes what JSON.stringify(value, null, gap) writes, at `indent`; false where it writes nothing (undefined, a
 * function), which in an array is null.
 */
function* json(out: ReportText, value: unknown, { gap, indent }: Layout): Generator<void, boolean> {
  if (small(value)) {
    const text = JSON.stringify(value, null, gap) as string | undefined;
    if (text === undefined) return false;
    // A string value never holds a raw line break, so every break is one of the layout's.
    out.add(indent ? text.replace(/\n/g, `\n${indent}`) : text);
    return true;
  }
  const inner = { gap, indent: indent + gap };
  const open = gap ? `\n${inner.indent}` : '';
  const close = gap ? `\n${indent}` : '';
  if (Array.isArray(value)) {
    if (!value.length) return (out.add('[]'), true);
    out.add('[');
    for (const [n, item] of value.entries()) {
      out.add(n ? ',' : '', open);
      if (typeof item !== 'object' || item === null) {
        // A category name or a hash: written directly, with a pause every so many, as pausing costs more than it.
        out.add(JSON.stringify(item) ?? 'null');
        if (n % PRIMITIVES_PER_PAUSE === PRIMITIVES_PER_PAUSE - 1) yield;
        continue;
      }
      if (!(yield* json(out, item, inner))) out.add('null');
      yield;
    }
    out.add(close, ']');
    return true;
  }
  // A key whose value JSON.stringify leaves out (undefined, a function) is left out; an object never is.
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => (typeof v === 'object' && v !== null) || JSON.stringify(v) !== undefined,
  );
  if (!entries.length) return (out.add('{}'), true);
  out.add('{');
  for (const [n, [key, item]] of entries.entries()) {
    out.add(n ? ',' : '', open, JSON.stringify(key), gap ? ': ' : ':');
    yield* json(out, item, inner);
  }
  out.add(close, '}');
  return true;
}

/** `JSON.stringify(report, null, 2)` and a line break: the file a report is exported as. */
export function* reportJson(report: AnsweredReport): Rendering {
  const out = new ReportText();
  yield* json(out, report, { gap: '  ', indent: '' });
  out.add('\n');
  return out.toString();
}

/** `JSON.stringify(report)`: the body of the report answered as JSON. */
export function* reportJsonBody(report: AnsweredReport): Rendering {
  const out = new ReportText();
  yield* json(out, report, { gap: '', indent: '' });
  return out.toString();
}
