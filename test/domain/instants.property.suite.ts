/**
 * The instant type: every instant validation accepts is stored in canonical
 * form and read back (SQLite, then the read model) to the same epoch ms and
 * text; every one it refuses is a 400 naming the field. The oracle is
 * independent of the parser: JavaScript's own reading of the same instant
 * written with an extended six-digit year, which has no 0–99 year mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, parseInstant, toMillis } from '../../src/domain/time.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { LedgerError } from '../../src/errors.js';
import { parseCommand } from '../../src/ledger/parse-command.js';

describe('domain/instants.property', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');

  interface Parts {
    year: number;
    month: number;
    day: number;
    time?: { hour: number; minute: number; second?: number; fraction?: string; offset: string };
  }

  const offset = fc.oneof(
    fc.constant('Z'),
    fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 1, 30, 45, 59))
      .map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
  );
  const parts: fc.Arbitrary<Parts> = fc.record(
    {
      // Years near the edges and the 0–99 range are where parsers go wrong.
      year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 4, 99, 100, 400, 1900, 2000, 9999)),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      time: fc.option(
        fc.record(
          {
            hour: fc.integer({ min: 0, max: 24 }),
            minute: fc.integer({ min: 0, max: 60 }),
            second: fc.integer({ min: 0, max: 60 }),
            fraction: fc.stringMatching(/^\d{1,9}$/),
            offset,
          },
          { requiredKeys: ['hour', 'minute', 'offset'] },
        ),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['year', 'month', 'day'] },
  );

  const textOf = (p: Parts) => {
    const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
    if (!p.time) return date;
    const { hour, minute, second, fraction, offset: zone } = p.time;
    return `${date}T${pad(hour)}:${pad(minute)}${second === undefined ? '' : `:${pad(second)}${fraction === undefined ? '' : `.${fraction}`}`}${zone}`;
  };

  /** What the instant denotes, by JavaScript's reading of the six-digit-year form; undefined when it is not a real instant in range. */
  function oracle(p: Parts): number | undefined {
    const { hour = 0, minute = 0, second, fraction: written = '', offset: zone = 'Z' } = p.time ?? {};
    // As written: a fraction only after seconds.
    const fraction = second === undefined ? '' : written;
    if (p.month < 1 || p.month > 12 || p.day < 1 || hour > 23 || minute > 59 || (second ?? 0) > 59) return undefined;
    const local = Date.parse(
      `+${pad(p.year, 6)}-${pad(p.month)}-${pad(p.day)}T${pad(hour)}:${pad(minute)}:${pad(second ?? 0)}.${fraction.padEnd(3, '0').slice(0, 3)}Z`,
    );
    // A day past the month's end rolls over: the date read back differs.
    if (new Date(local).getUTCDate() !== p.day) return undefined;
    const offsetMs =
      zone === 'Z'
        ? 0
        : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    const ms = local - offsetMs;
    return ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS ? ms : undefined;
  }

  const command = (effectiveFrom: string) => ({ type: 'AddSubjects', measureId: 'm', subjects: ['s'], effectiveFrom });

  let store: SqliteEventStore;
  beforeAll(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterAll(async () => {
    await store.close();
  });

  describe('the instant type', () => {
    it('accepts exactly the real instants within years 0000-9999 (UTC), and reads back every one it stores', async () => {
      const model = initialState();
      await fc.assert(
        fc.asyncProperty(parts, async (p) => {
          const text = textOf(p);
          const expected = oracle(p);
          const parsed = parseInstant(text);
          // One expect per case: an expect call costs more than what it compares, and this runs 1,500 cases.
          if (expected === undefined) {
            let error: unknown;
            try {
              parseCommand(command(text));
            } catch (e) {
              error = e;
            }
            expect({ text, parsed, refusal: error instanceof LedgerError ? error.details : error }).toEqual({
              text,
              parsed: undefined,
              refusal: [expect.objectContaining({ field: 'effectiveFrom', rule: 'isInstant' })],
            });
            return;
          }
          const stored = (parseCommand(command(text)).command as { effectiveFrom: string }).effectiveFrom;
          const { type: _type, ...data } = command(stored);
          const { events } = await store.append(
            'measure-m',
            [{ eventId: randomUUID(), type: 'SubjectsAdded', data, metadata: {} }],
            'any',
          );
          const [read] = await store.readAll({ after: BigInt(events[0]!.position) - 1n, maxCount: 1 });
          evolve(model, read!);
          const fact = model.measures.get('m')!.facts.at(-1)!;
          const factFrom = (fact.data as { effectiveFrom: string }).effectiveFrom;
          expect({
            text,
            parsed,
            stored,
            eventId: fact.eventId,
            factFrom,
            factMillis: toMillis(factFrom),
            storedParsed: parseInstant(stored),
          }).toEqual({
            text,
            parsed: expected,
            stored: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
            eventId: read!.eventId,
            factFrom: stored,
            factMillis: expected,
            storedParsed: expected,
          });
        }),
        { numRuns: 1500 },
      );
      expect(model.measures.get('m')?.setAside).toBeUndefined();
    });

    it('knows year 0000 is a leap year and years 0-99 are not 1900-1999', () => {
      expect(parseInstant('0000-02-29')).toBe(Date.parse('0000-02-29T00:00:00.000Z'));
      expect(parseInstant('0100-02-29')).toBeUndefined();
      expect(parseInstant('0050-06-01')).toBe(Date.parse('0050-06-01T00:00:00.000Z'));
      expect(parseInstant('0000-01-01T00:00:00+00:01')).toBeUndefined();
      expect(parseInstant('9999-12-31T23:59:59-14:00')).toBeUndefined();
      expect(parseInstant('-000001-12-31T23:59:00.000Z')).toBeUndefined();
      expect(parseInstant('+010000-01-01T00:00:00.000Z')).toBeUndefined();
    });
  });
});
