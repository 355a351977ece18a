/**
 * JSON.parse keeps the last of two equal keys in one object
 * (`"subjects":["a"],"subjects":["b"]` reads as `["b"]`): a body that says two
 * things must not be answered as if it said the second. Scans text JSON.parse
 * has already accepted, so it only tracks strings and nesting.
 */
import type { ErrorDetail } from '../errors.js';

/** The first key repeated in one object of valid JSON `text`, as a problem naming its path, or undefined. */
export function duplicateKeyProblem(text: string, prefix = ''): ErrorDetail | undefined {
  // One frame per open object (its keys so far) or array (its element index).
  const frames: ({ keys: Set<string>; key?: string } | { index: number })[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const frame = frames[frames.length - 1];
      if (expectKey && frame && 'keys' in frame) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) {
          const field = pathOf(frames, prefix, key);
          return {
            field,
            rule: 'noDuplicateKeys',
            message: `${field} is given twice in one object: give each key once`,
          };
        }
        frame.keys.add(key);
        frame.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      frames.push({ keys: new Set() });
      expectKey = true;
    } else if (c === '[') {
      frames.push({ index: 0 });
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      const frame = frames[frames.length - 1];
      if (frame && 'keys' in frame) expectKey = true;
      else if (frame) frame.index++;
    }
  }
  return undefined;
}

function pathOf(
  frames: ({ keys: Set<string>; key?: string } | { index: number })[],
  prefix: string,
  key: string,
): string {
  let path = prefix;
  for (const frame of frames.slice(0, -1)) {
    if ('index' in frame) path += `[${frame.index}]`;
    else path += path ? `.${frame.key}` : frame.key;
  }
  return path ? `${path}.${key}` : key;
}
