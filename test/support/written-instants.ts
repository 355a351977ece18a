/**
 * Commands as clients write them, for the wide histories (history-generator.ts): instants with an offset
 * (+05:30, -14:00, …), as bare dates, with no seconds or up to nine fraction digits; and provenance (citations,
 * sources with their publication instants, notes). Each choice comes from a small deterministic stream of numbers
 * seeded by the property, so that a failing history replays and shrinks (seed 0 writes everything plainly).
 */
import type { LedgerCommand } from '../../src/domain/messages.js';
import { instantOf } from '../../src/domain/time.js';

const DAY = 86_400_000;
const INSTANT_FIELDS = new Set(['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt', 'publishedAt']);
/** Offsets in minutes east of UTC, the widest included; -0 is written `-00:00`. */
const OFFSETS = [0, -0, 330, -840, 840, -240, 345, -30, 60];

/** A stream of pseudo-random choices from a seed. */
export function choices(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state >>> 8;
  };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** The instant `ms` written one way or another; each reads back as `ms` (a bare date only for a UTC midnight). */
export function writtenInstant(ms: number, choice: number): string {
  const canonical = new Date(ms).toISOString();
  const way = choice % 8;
  if (way === 0) return canonical;
  if (way === 1 && ms % DAY === 0) return canonical.slice(0, 10);
  const offset = OFFSETS[(choice >> 3) % OFFSETS.length]!;
  const local = new Date(ms + offset * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const millis = local.getUTCMilliseconds();
  const seconds = local.getUTCSeconds();
  const digits = (choice >> 7) % 4;
  const fraction = millis === 0 && digits === 0 ? '' : `.${pad(millis, 3)}${['', '', '000', '000000'][digits]}`;
  const time =
    fraction === '' && seconds === 0 && (choice >> 9) % 2
      ? `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
      : `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(seconds)}${fraction}`;
  const sign = offset < 0 || Object.is(offset, -0) ? '-' : '+';
  const zone =
    (choice >> 10) % 5 === 0 && offset === 0 && sign === '+'
      ? 'Z'
      : `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${date}T${time}${zone}`;
}

/** The value with every instant field (at any depth) written one way or another. */
export function written<T>(value: T, next: () => number): T {
  if (Array.isArray(value)) return value.map((v) => written(v, next)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      INSTANT_FIELDS.has(key) && typeof v === 'string' ? writtenInstant(Date.parse(v), next()) : written(v, next),
    ]),
  ) as T;
}

/** The command with provenance as real notices carry it: most with a citation, some with sources, a few with a note. */
export function withProvenance(command: LedgerCommand, next: () => number): LedgerCommand {
  const choice = next();
  if (choice % 5 === 0) return command;
  const instant = (command as { effectiveFrom?: string }).effectiveFrom ?? '2019-05-16T20:15:00.000Z';
  const published = new Date(Date.parse(instant) - (next() % (3 * DAY))).toISOString();
  return {
    ...command,
    ...(choice % 5 !== 1 ? { citation: `${84 + (choice % 3)} FR ${20_000 + (next() % 9_000)}` } : {}),
    ...(choice % 3 === 0
      ? {
          sources: [
            {
              url: `https://www.federalregister.gov/d/2019-${10_000 + (next() % 90_000)}`,
              title: 'notice',
              publishedAt: published,
            },
            ...(choice % 2 ? [{ url: 'https://www.bis.doc.gov/index.php/documents/regulations-docs' }] : []),
          ],
        }
      : {}),
    ...(choice % 7 === 0 ? { publishedAt: published, note: 'as published in the Federal Register' } : {}),
  };
}

/** The value with every instant field (at any depth) read by the ledger's instant parser, as parseCommand reads it. */
export function readInstants<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => readInstants(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, (INSTANT_FIELDS.has(key) && instantOf(v)) || readInstants(v)]),
  ) as T;
}
