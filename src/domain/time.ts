/**
 * Valid-time instants. The contract accepts ISO 8601 instants with an offset
 * (or Z) and bare dates, which mean 00:00:00Z of that day. An instant enters
 * the ledger only through `parseInstant`/`instantOf`: parsed once, its UTC
 * form range-checked (years 0000–9999) and written in one canonical form,
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, that every reader accepts by construction.
 * Text outside that range (e.g. `0000-01-01T00:00:00+00:01`) would otherwise
 * be stored as `-000001-…`, which no reader can parse back.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/** An instant in its canonical text form (see `instantOf`). */
export type Instant = string;

/** The first and last milliseconds of the years 0000–9999, UTC. */
export const MIN_INSTANT_MS = -62167219200000;
export const MAX_INSTANT_MS = 253402300799999;

export const INSTANT_RULE =
  'an ISO 8601 instant with an offset (2019-05-16T16:15:00-04:00) or a date (2019-05-16), within the years 0000–9999 in UTC';

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant in epoch milliseconds, or undefined when the text is not a valid instant within years 0000–9999 (UTC). */
export function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, offsetH, offsetM] = match;
  if (h !== undefined && zone === undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  const [hours, minutes, seconds] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetH) * 60 + Number(offsetM));
  if (sign !== undefined && (Number(offsetH) > 23 || Number(offsetM) > 59)) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  const ms = date.getTime() - offsetMinutes * 60_000;
  return ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS ? ms : undefined;
}

export function isInstant(text: unknown): boolean {
  return parseInstant(text) !== undefined;
}

/** The canonical text of an instant in range, e.g. `0000-02-29T00:00:00.000Z`. */
export function canonicalInstant(ms: number): Instant {
  if (!(ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS))
    throw new RangeError(`instant ${ms} ms is outside the years 0000–9999`);
  return new Date(ms).toISOString();
}

/** The canonical instant a text denotes, or undefined when it is not a valid instant. */
export function instantOf(text: unknown): Instant | undefined {
  const ms = parseInstant(text);
  return ms === undefined ? undefined : canonicalInstant(ms);
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const CANONICAL_PARTS = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Whether a text is an instant in canonical form (the form stored): a cheap check for the read side's hot path. */
export function isCanonicalInstant(text: unknown): boolean {
  if (typeof text !== 'string' || text.length !== 24) return false;
  const match = CANONICAL_PARTS.exec(text);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= (month === 2 && isLeapYear(Number(match[1])) ? 29 : DAYS_IN_MONTH[month - 1]!)
  );
}

/**
 * Instants parsed, by text: the read side turns the same few thousand stored
 * instants into milliseconds over and over, and Date.parse was a tenth of a
 * busy server's time. Cleared when full rather than kept in use order.
 */
const parsedInstants = new Map<string, number>();
const MAX_PARSED_INSTANTS = 100_000;

export function toMillis(instant: Instant): number {
  const known = parsedInstants.get(instant);
  if (known !== undefined) return known;
  const ms = parseStored(instant);
  if (parsedInstants.size >= MAX_PARSED_INSTANTS) parsedInstants.clear();
  parsedInstants.set(instant, ms);
  return ms;
}

function parseStored(instant: Instant): number {
  // Stored instants are canonical already (a four-digit year is in range by construction): skip the full validation on that hot path.
  if (instant.length === 24 && CANONICAL.test(instant)) {
    const ms = Date.parse(instant);
    if (!Number.isNaN(ms)) return ms;
  }
  const ms = parseInstant(instant);
  if (ms === undefined) throw new RangeError(`not an ISO 8601 instant: ${instant}`);
  return ms;
}
