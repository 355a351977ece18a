/**
 * Event ids derived from the commandId (UUID v5), so a retried command can
 * never append twice: the store recognises the same ids at the same place.
 */
import { v5 as uuidv5 } from 'uuid';

const EVENT_NAMESPACE = 'b7d2c3e0-5f1a-4c8e-9a61-2f0d7e3b9c41';

export function eventIdFor(commandId: string, index: number): string {
  return uuidv5(`${commandId.toLowerCase()}/${index}`, EVENT_NAMESPACE);
}

/** A commandId for a command that came without one, derived from where and what it is (for rerunnable imports). */
export function derivedCommandId(origin: string, canonicalCommand: string): string {
  return uuidv5(`${origin}\n${canonicalCommand}`, EVENT_NAMESPACE);
}
