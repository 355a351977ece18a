/**
 * Hostile values for fuzzing the HTTP surface, and the oracles that say which
 * of them the contract must refuse. The oracles are written from DOMAIN.md,
 * not from the code, so a validator that drifts from the contract is caught.
 * A verdict is `invalid` (must be a 4xx), `valid` (a 2xx is allowed), or
 * `unsure` where the contract does not decide (any 2xx or 4xx will do).
 */
import fc from 'fast-check';

export type Verdict = 'valid' | 'invalid' | 'unsure';

/** A value to place in a JSON body: its raw JSON text (so `__proto__` keys, 1e400 and lone surrogates survive) and whether it is a JS value a field could hold. */
export interface RawJson {
  /** The JSON text sent on the wire. */
  json: string;
  /** What it is, for the failure message. */
  label: string;
}

const raw = (
  json: string,
  label = json.length > 80 ? `${json.slice(0, 60)}… (${json.length} chars)` : json,
): RawJson => ({ json, label });
const fromValue = (value: unknown, label?: string): RawJson => raw(JSON.stringify(value), label);

export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
] as const;

/** Instants at and beyond the years 0000–9999 in UTC, and malformed ones. */
export const EXTREME_INSTANTS = [
  '0000-01-01T00:00:00+00:01', // UTC year -1
  '9999-12-31T23:59:59-14:00', // UTC year 10000
  '9999-12-31T23:59:59-00:01',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+002019-05-16T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31',
  '10000-01-01',
  '2019-02-29',
  '2019-13-01',
  '2019-00-10',
  '2019-05-16T24:00:00Z',
  '2019-05-16T23:59:60Z',
  '2019-05-16T16:15:00',
  '2019-05-16T16:15:00+2400',
  '2019-05-16T16:15:00+24:00',
  '2019-05-16T16:15:00+99:99',
  '2019-05-16 16:15:00Z',
  '2019-05-16t16:15:00z',
  '2019-05-16T16:15:00.1234567891Z',
  '2019-W20-4',
  '2019-136',
  '20190516',
  '2019-05-16T16:15Z',
  ' 2019-05-16',
  '2019-05-16\n',
  '2019-05-16\u0000',
  'May 16, 2019',
  '1558037700000',
  'NaN',
  'Infinity',
  '',
];

const INSTANT_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/** The contract's verdict on an instant: ISO 8601 with an offset, or a bare date, whose UTC form lies in the years 0000–9999. */
export function instantVerdict(value: unknown): Verdict {
  if (typeof value !== 'string') return 'invalid';
  const m = INSTANT_SHAPE.exec(value);
  if (!m) return 'invalid';
  const [, y, mo, d, h, mi, s, frac, offset, sign, oh, om] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (h !== undefined && offset === undefined) return 'invalid';
  if (month < 1 || month > 12 || day < 1) return 'invalid';
  const monthStart = new Date(0);
  monthStart.setUTCFullYear(year, month, 0); // day 0 of the next month: the last of this one
  if (day > monthStart.getUTCDate()) return 'invalid';
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  if (hour > 23 || minute > 59) return 'invalid';
  if (second > 59) return second === 60 ? 'unsure' : 'invalid';
  if (frac !== undefined && frac.length > 9) return 'unsure';
  if (offset && offset !== 'Z' && (Number(oh) > 14 || Number(om) > 59)) return 'unsure';
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second);
  const offsetMinutes = !offset || offset === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utcYear = new Date(local.getTime() - offsetMinutes * 60_000).getUTCFullYear();
  return utcYear >= 0 && utcYear <= 9999 ? 'valid' : 'invalid';
}

export const INT64_MAX = 2n ** 63n - 1n;

/** A ledger position (or tree size, or page size): a decimal whole number that fits a signed 64-bit integer. */
export function positionVerdict(value: string): Verdict {
  if (!/^\d+$/.test(value)) return 'invalid';
  return BigInt(value) > INT64_MAX ? 'invalid' : 'valid';
}

export const ID_SHAPE = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const CATEGORY_SHAPE = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;
export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Positions at and beyond the integers a ledger can hold. */
export const EXTREME_POSITIONS = [
  '0',
  '1',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '99999999999999999999999999999999999999',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '0x10',
  ' 1',
  '1 ',
  '+1',
  '١',
  'NaN',
  'Infinity',
  '',
];

/** Strings that break parsers: control characters, NUL, lone surrogates, right-to-left marks, very long ones. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202e\u0645',
  '\ufeff',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  'a'.repeat(129),
  'a'.repeat(5_000),
];

/** Whether a string holds an unpaired UTF-16 surrogate: text no UTF-8 can carry, which the ledger refuses in any field. */
export const hasLoneSurrogate = (s: string): boolean =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** Whether any string of a JSON value, keys included, holds an unpaired surrogate (iterative: values nest thousands deep). */
export function holdsLoneSurrogate(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const current = stack.pop();
    if (typeof current === 'string' && hasLoneSurrogate(current)) return true;
    if (typeof current !== 'object' || current === null) continue;
    for (const [key, child] of Object.entries(current)) {
      if (hasLoneSurrogate(key)) return true;
      stack.push(child);
    }
  }
  return false;
}

/**
 * Text that would be valid in a free-text field but for one unpaired surrogate, high or low, at its start, middle or
 * end: as JSON it is a `\uD800`-`\uDFFF` escape, valid JSON that no UTF-8 decoder ever produces.
 */
export const loneSurrogateText = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })),
    fc.string({ maxLength: 8 }),
  )
  // ASCII around it: nothing can pair with the surrogate.
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);

/** Strings generated from every Unicode plane, including surrogate halves and control characters. */
export const anyString = (maxLength = 40) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.constantFrom(...NASTY_STRINGS),
  );

/** A string that is sometimes valid for a field and mostly not: near-misses of ids, categories, instants and positions. */
export const nearMissString = fc.oneof(
  anyString(),
  fc.constantFrom(...EXTREME_INSTANTS, ...EXTREME_POSITIONS),
  fc.stringMatching(/^[a-zA-Z0-9._\-/ ]{0,12}$/),
  fc
    .record({
      y: fc.integer({ min: 0, max: 10_000 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 24 }),
      off: fc.integer({ min: -1440, max: 1440 }),
    })
    .map(
      ({ y, mo, d, h, off }) =>
        `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`,
    ),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);

/** JSON text nested `depth` deep, as arrays or objects (some keyed by prototype names). */
export function deeplyNested(depth: number, kind: 'array' | 'object' | 'proto'): RawJson {
  const open = kind === 'array' ? '[' : kind === 'object' ? '{"a":' : '{"__proto__":';
  const close = kind === 'array' ? ']' : '}';
  return raw(`${open.repeat(depth)}1${close.repeat(depth)}`, `${kind} nested ${depth} deep`);
}

/** An object with a prototype key set to a hostile value, as JSON text (a JS literal would set the prototype instead). */
export const prototypeObject = fc
  .tuple(
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.constantFrom('{"polluted":true}', '"x"', 'null', '1', '[]', '{"toString":1}'),
  )
  .map(([key, value]) => raw(`{"${key}":${value}}`));

/** Every kind of JSON value a hostile client may put where a field is expected. */
export const hostileJson: fc.Arbitrary<RawJson> = fc.oneof(
  fc.constantFrom(
    raw('null'),
    raw('true'),
    raw('false'),
    raw('0'),
    raw('-1'),
    raw('-2'),
    raw('1.5'),
    raw('-0'),
    raw('1e400', '1e400 (Infinity once parsed)'),
    raw('-1e400'),
    raw('1e-400'),
    raw('9007199254740993'),
    raw('9223372036854775808'),
    raw('123456789012345678901234567890'),
    raw('[]'),
    raw('{}'),
    raw('[null]'),
    raw('[[]]'),
    raw('[{}]'),
    raw('"\\ud800"', 'lone surrogate \\ud800'),
    raw('"\\udfff\\ud800"', 'reversed surrogates'),
    raw('"a\\u0000b"', 'NUL inside'),
    raw(JSON.stringify('a'.repeat(30_000)), '30000 a'),
    deeplyNested(5_000, 'array'),
    deeplyNested(5_000, 'object'),
    deeplyNested(2_000, 'proto'),
    deeplyNested(50, 'array'),
  ),
  fc.constantFrom(...EXTREME_INSTANTS, ...EXTREME_POSITIONS, ...NASTY_STRINGS).map((s) => fromValue(s)),
  nearMissString.map((s) => fromValue(s)),
  fc.double().map((n) => raw(Number.isFinite(n) ? JSON.stringify(n) : 'null')),
  fc.array(nearMissString, { maxLength: 4 }).map((a) => fromValue(a)),
  // Weighted as a branch of its own: among the constants above a text field would seldom draw one.
  loneSurrogateText.map((s) => fromValue(s, `lone surrogate in ${JSON.stringify(s)}`)),
  fc.array(fc.oneof(fc.constant('ok'), loneSurrogateText), { minLength: 1, maxLength: 3 }).map((a) => fromValue(a)),
  prototypeObject,
  prototypeObject.map((p) => raw(`[${p.json}]`)),
);

/** An unknown or prototype-named key to add to an object. */
export const hostileKey = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS, 'colour', '', ' ', 'type ', 'Type', 'measureid', '\u0000', '$where'),
  fc.string({ maxLength: 12 }),
  loneSurrogateText,
);

/** A character an HTTP header value may carry (tab, visible ASCII and space, obs-text). */
export const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09))
  .map((c) => String.fromCharCode(c));

/** Authorization header values no valid key hides behind (printable Latin-1, as HTTP allows). */
export const badAuthorizations = (validKey: string) =>
  fc.oneof(
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      `Bearer  `,
      `Basic ${Buffer.from(`user:${validKey}`).toString('base64')}`,
      `Basic ${validKey}`,
      validKey,
      `Bearer ${validKey}x`,
      `Bearer ${validKey.slice(0, -1)}`,
      `Bearer ${validKey.toUpperCase()}`,
      `Bearer ${validKey} ${validKey}`,
      `Bearer ${validKey},Bearer ${validKey}`,
      `Token ${validKey}`,
      `Bearer\t\t`,
      `Bearer ${'k'.repeat(8_000)}`,
      'Bearer null',
      'Bearer undefined',
      'Bearer __proto__',
      'Bearer constructor',
      'Bearer ÿÿÿÿ',
    ),
    fc.string({ unit: headerChar, maxLength: 60 }).map((s) => `Bearer ${s}`),
  );

/** Content-Type values under which a JSON command must not be taken as one (or must be refused). */
export const CONTENT_TYPES = [
  undefined,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/json, text/plain',
  'application/jsonx',
  'application/xml',
  'application/x-ndjson',
  '*/*',
  'application/json; boundary=__proto__',
  'application/merge-patch+json',
];
