/**
 * The ledger feed against a naive reading of its contract, over both shapes of random valid history
 * (history-generator.ts: the default one and `WIDE`; corrections and retractions included) and random filters: a
 * client gets, in log order and once each, exactly the events after its resume position that pass every filter it
 * set, each as the CloudEvent of the stored event. A subject filter passes an event of a measure whose events had
 * named the subject by then (the event itself included); a client resuming from any position gets exactly the rest.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { ChangeFeedService } from '../../src/changes/change-feed.service.js';
import { systemClock } from '../../src/clock.js';
import { EVENT_TYPES } from '../../src/domain/messages.js';
import { HISTORIES, SUBJECTS } from '../support/history-generator.js';
import { subjectsNamed } from '../support/oracle.js';
import { fixedStore, readModelOf } from './feed-fixtures.js';

/** Each shape of history, with the runs it gets: fewer than either had alone, the two together covering both. */
const SHAPES = [
  { shape: 'default', histories: HISTORIES.default, runs: 90 },
  { shape: 'wide', histories: HISTORIES.wide, runs: 35 },
];

describe('changes/ledger-feed.property', () => {
  interface Filter {
    subjects: string[];
    measures: string[];
    types: string[];
  }

  const measureOf = (event: LoggedEvent) => event.streamId.slice('measure-'.length);

  function expected(log: LoggedEvent[], filter: Filter, after: bigint): LoggedEvent[] {
    return log.filter((event) => {
      if (event.position <= after) return false;
      if (filter.types.length && !filter.types.includes(event.type)) return false;
      if (filter.measures.length && !filter.measures.includes(measureOf(event))) return false;
      if (!filter.subjects.length) return true;
      const namedBefore = log
        .filter((e) => e.streamId === event.streamId && e.position <= event.position)
        .flatMap((e) => subjectsNamed(e.data));
      return filter.subjects.some((s) => namedBefore.includes(s));
    });
  }

  async function received(log: LoggedEvent[], filter: Filter, after: bigint) {
    const feed = new ChangeFeedService(fixedStore(log), readModelOf(log), systemClock);
    const changes = [];
    for await (const change of feed.ledgerChanges({ after, filter })) changes.push(change);
    return changes;
  }

  const filterArbitrary = (log: LoggedEvent[]) =>
    fc.record({
      subjects: fc.subarray(SUBJECTS),
      measures: fc.subarray([...new Set(log.map(measureOf))]),
      types: fc.subarray(EVENT_TYPES, { maxLength: 3 }),
    });

  describe.each(SHAPES)('the ledger feed against its contract, over $shape histories', (shape) => {
    it('delivers exactly the events after the resume position that pass the filter, in order, as their CloudEvents', async () => {
      await fc.assert(
        fc.asyncProperty(
          shape.histories.chain((log) => fc.tuple(fc.constant(log), filterArbitrary(log), fc.nat({ max: log.length }))),
          async ([log, filter, split]) => {
            const owed = expected(log, filter, 0n);
            const all = await received(log, filter, 0n);
            expect(all.map((c) => c.position)).toEqual(owed.map((e) => e.position));
            all.forEach((change, i) => {
              const event = owed[i]!;
              expect(change.event).toMatchObject({
                id: event.eventId,
                type: `org.regledger.${event.type}`,
                subject: measureOf(event),
                time: event.recordedAt,
                ledgerposition: String(event.position),
                streamrevision: String(event.revision),
              });
              expect(change.event.data).toEqual(event.data);
            });
            // Resuming from any position gives exactly what comes after it.
            const rest = await received(log, filter, BigInt(split));
            expect(rest.map((c) => c.position)).toEqual(expected(log, filter, BigInt(split)).map((e) => e.position));
          },
        ),
        { numRuns: shape.runs },
      );
    });
  });
});
