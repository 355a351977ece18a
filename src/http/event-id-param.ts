/**
 * Event ids given by a client, in the form the ledger stores them. Ids are
 * made in lower case (UUID v5), and a UUID means the same in either case
 * (RFC 9562), so an id written in upper case names the same event: it is
 * lower-cased where it comes in, and what is recorded names the stored form.
 */
import { LedgerError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function canonicalEventId(value: string): string {
  return value.toLowerCase();
}

/** An event id from a path or query: a UUID in either case, or a bad-input error naming the field. */
export function eventIdParam(field: string, value: string): string {
  if (UUID.test(value)) return canonicalEventId(value);
  const message = `${field} must be an event id (a UUID)`;
  throw new LedgerError('bad-input', message, [{ field, rule: 'isUUID', message, value }]);
}
