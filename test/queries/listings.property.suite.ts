/**
 * The listings against a naive reading of the log: over random histories,
 * every page of subjects and measures, whatever the prefix and page size,
 * joins up to the ids in order with nothing skipped or repeated, and each
 * item's counts and first and last records are those the log itself gives.
 * Which subjects a measure names is the read model's (held to the oracle by
 * the differential tests); what the listings make of it is checked here.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { listMeasures, listSubjects, type ListingQuery, type Page } from '../../projections/listings.js';
import { historyArbitrary } from '../support/history-generator.js';

describe('queries/listings.property', () => {
  /** Every page, following `next`, as a client would. */
  function allPages<T>(list: (query: ListingQuery) => Page<T>, prefix: string | undefined, limit: number): T[] {
    const items: T[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = list({
        ...(prefix !== undefined ? { prefix } : {}),
        ...(after !== undefined ? { after } : {}),
        limit,
      });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      if (page.next === null) return items;
      after = page.next;
    }
    throw new Error('the pages never end');
  }

  const stamp = (e: LoggedEvent) => ({ position: e.position.toString(), recordedAt: e.recordedAt });
  const measureOf = (e: LoggedEvent) => e.streamId.slice('measure-'.length);

  describe('listings against the log', () => {
    it('pages subjects and measures in id order, with the counts and records the log gives', () => {
      fc.assert(
        fc.property(
          historyArbitrary,
          fc.constantFrom(undefined, '', 's', 's1', 'm', 'm2', 'x'),
          fc.integer({ min: 1, max: 4 }),
          (events, prefix, limit) => {
            const model = events.reduce(evolve, initialState());
            const matching = (id: string) => id.startsWith(prefix ?? '');

            const measureIds = [...new Set(events.map(measureOf))].filter(matching).sort();
            const measures = allPages((q) => listMeasures(model, q), prefix, limit);
            expect(measures.map((m) => m.measureId)).toEqual(measureIds);
            for (const listed of measures) {
              const own = events.filter((e) => measureOf(e) === listed.measureId);
              expect(listed.events).toBe(own.length);
              expect(listed.firstRecord).toEqual(stamp(own[0]!));
              expect(listed.lastRecord).toEqual(stamp(own.at(-1)!));
              expect(listed.subjects).toBe(
                [...model.subjects.values()].filter((named) => named.has(listed.measureId)).length,
              );
            }

            const subjectIds = [...model.subjects.keys()].filter(matching).sort();
            const subjects = allPages((q) => listSubjects(model, q), prefix, limit);
            expect(subjects.map((s) => s.subjectId)).toEqual(subjectIds);
            for (const listed of subjects) {
              const named = model.subjects.get(listed.subjectId)!;
              // The events of each measure that named it, from the first that did.
              const own = events.filter((e) => named.has(measureOf(e)) && e.position >= named.get(measureOf(e))!);
              expect(listed.measures.map((m) => m.measureId)).toEqual([...named.keys()].sort());
              expect(listed.events).toBe(own.length);
              expect(listed.firstRecord).toEqual(stamp(own[0]!));
              expect(listed.lastRecord).toEqual(stamp(own.at(-1)!));
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
