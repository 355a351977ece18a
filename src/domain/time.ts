/**
 * Valid-time instants. The contract accepts ISO 8601 instants with an offset
 * (or Z) and bare dates, which mean 00:00:00Z of that day. Inside the ledger
 * every instant is normalised to a UTC ISO string so that events compare and
 * print the same whatever offset the source document used.
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export type Instant = string;

/** The instant in epoch milliseconds, or undefined when the text is not a valid instant. */
export function parseInstant(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, offset] = match;
  if (h !== undefined && offset === undefined) return undefined;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return undefined;
  const ms = Date.parse(h === undefined ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isInstant(text: unknown): boolean {
  return parseInstant(text) !== undefined;
}

/** Normalises a valid instant to `YYYY-MM-DDTHH:mm:ss.sssZ`; throws on an invalid one. */
export function normaliseInstant(text: string): Instant {
  const ms = parseInstant(text);
  if (ms === undefined) throw new RangeError(`not an ISO 8601 instant: ${text}`);
  return new Date(ms).toISOString();
}

const NORMALISED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function toMillis(instant: Instant): number {
  // Stored instants are normalised already: skip the full validation on that hot path.
  if (instant.length === 24 && NORMALISED.test(instant)) return Date.parse(instant);
  const ms = parseInstant(instant);
  if (ms === undefined) throw new RangeError(`not an ISO 8601 instant: ${instant}`);
  return ms;
}
