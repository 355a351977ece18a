import type { MeasureHistory } from '../../src/domain/measure-history.js';

/** Everything a history's carried-over indexes answer at t, comparably. */
export function answersAt(history: MeasureHistory, t: number) {
  return {
    liftedBy: history.liftedBy(t)?.recorded.eventId,
    scope: history.scopeAt(t).categories.toJSON(),
    scopeBasis: history.scopeAt(t).basis.map((f) => f.recorded.eventId),
    // By subject (a key of the map): sort() unkeyed would compare each pair as the string of all its ids.
    subjects: [...history.subjectsAt(t)]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([subject, facts]) => [subject, facts.map((f) => f.recorded.eventId)]),
    exemptions: history
      .exemptionsAt(t)
      .map((e) => ({ ...e, categories: e.categories.toJSON(), basis: e.basis.map((f) => f.recorded.eventId) })),
    pending: history.pendingAt(t).map((a) => ({ ...a, basis: a.basis.map((f) => f.recorded.eventId) })),
  };
}
