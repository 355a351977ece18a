/**
 * The decider extends a kept stream's history by the facts pushed since it
 * last looked instead of resolving it again: over random histories, with
 * retractions and corrections, the history it checks commands against after
 * every push equals the one resolved from scratch, and so does every index
 * it carries over from the version before (subjects, scope, exemptions,
 * announcements, the in-force window), asked at every step.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { historyOf, initialState } from '../../src/domain/decide.js';
import type { UncheckedFact } from '../../src/domain/facts.js';
import { resolveMeasure } from '../../src/domain/resolve-measure.js';
import { readFact } from '../../src/domain/recorded-fact.js';
import { answersAt } from '../support/history-answers.js';
import { expectEqual } from '../support/expect-equal.js';
import { DAY, DAYS, EPOCH, historyArbitrary } from '../support/history-generator.js';

describe('domain/decide-incremental.property', () => {
  const probeTimes = Array.from({ length: 12 }, (_, i) => EPOCH - 5 * DAY + Math.round((i * (DAYS + 30) * DAY) / 12));

  describe('the decider on a kept stream', () => {
    it('checks each command against the history resolved from scratch', () => {
      let amending = 0;
      fc.assert(
        fc.property(historyArbitrary, (events) => {
          const streams = new Map<string, ReturnType<typeof initialState>>();
          for (const event of events) {
            const measureId = event.streamId.slice('measure-'.length);
            const state = streams.get(measureId) ?? initialState(measureId);
            streams.set(measureId, state);
            const fact: UncheckedFact = {
              eventId: event.eventId,
              type: event.type,
              data: event.data,
              revision: state.revision + 1,
              position: event.position,
              recordedAt: event.recordedAt,
            };
            // As the stream cache folds: a push onto the same list.
            state.recorded.push(readFact(fact, state.recorded));
            state.revision++;
            if (fact.type === 'EntryRetracted' || fact.type === 'EntryCorrected') amending++;
            const kept = historyOf(state);
            const fresh = resolveMeasure(measureId, [...state.recorded]);
            // One expect per push, the scope compared by its own equality: an expect call costs more than what it compares.
            const view = (history: typeof kept) => ({
              facts: history.facts,
              retracted: [...history.retracted],
              setAside: history.setAside,
              probes: probeTimes.map((t, i) => ({
                t,
                inForce: history.inForceAt(t),
                scopeAsFresh: history.scopeAt(t).categories.equals(fresh.scopeAt(t).categories),
                subjects: [...history.subjectsAt(t).keys()].sort(),
                // Every index, at a third of the times: a wrongly carried index shows at any of them.
                answers: i % 3 === 0 ? answersAt(history, t) : undefined,
              })),
            });
            expectEqual(view(kept), view(fresh));
          }
        }),
        { numRuns: 150 },
      );
      // The histories exercise the path that must resolve again.
      expect(amending).toBeGreaterThan(20);
    });
  });
});
