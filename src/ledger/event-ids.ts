/**
 * Event ids derived from the commandId (UUID v5), so a retried command can
 * never append twice: the store recognises the same ids at the same place.
 */
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/**
 * Given to uuid as bytes: as strings it parses the namespace twice and encodes
 * the name through encodeURIComponent on every call, a visible share of an
 * import's time. Buffer's UTF-8 is the same bytes for every well-formed string.
 */
const EVENT_NAMESPACE = parseUuid('b7d2c3e0-5f1a-4c8e-9a61-2f0d7e3b9c41');

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

export function eventIdFor(commandId: string, index: number): string {
  return uuidv5(utf8(`${commandId.toLowerCase()}/${index}`), EVENT_NAMESPACE);
}

/** A commandId for a command that came without one, derived from where and what it is (for rerunnable imports). */
export function derivedCommandId(origin: string, canonicalCommand: string): string {
  return uuidv5(utf8(`${origin}\n${canonicalCommand}`), EVENT_NAMESPACE);
}
