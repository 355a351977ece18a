/**
 * The JSON of an answer with one long list, written an element at a time
 * with the feeds' pacing between them (see pacer.ts). A timeline of a long
 * measure runs to megabytes: serialised in one go it would hold the event
 * loop for tens of milliseconds, and every other request with it. The text is
 * the very text JSON.stringify gives the whole answer.
 */
import { DEFAULT_SLICE_MS, pace } from '../pacer.js';

export async function pacedJson<T extends object>(
  answer: T,
  list: keyof T,
  sliceMs = DEFAULT_SLICE_MS,
): Promise<string> {
  const fields: string[] = [];
  // As JSON.stringify: own enumerable keys in order, a field whose value has no JSON left out.
  for (const [key, value] of Object.entries(answer)) {
    let text: string | undefined;
    if (key === list && Array.isArray(value)) {
      const parts: string[] = [];
      for (const element of value as unknown[]) {
        // In an array, a value without JSON (undefined, a function) is written null.
        parts.push(JSON.stringify(element) ?? 'null');
        await pace(sliceMs);
      }
      text = `[${parts.join(',')}]`;
    } else text = JSON.stringify(value);
    if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}
