import type { MeasureHistory } from '../../src/domain/measure-history.js';

/** Everything a history's carried-over indexes answer at t, comparably. */
export function answersAt(history: MeasureHistory, t: number) {
  return {
    liftedBy: history.liftedBy(t)?.recorded.eventId,
    scope: history.scopeAt(t).categories.toJSON(),
    scopeBasis: history.scopeAt(t).basis.map((f) => f.recorded.eventId),
    subjects: [...history.subjectsAt(t)]
      .map(([subject, facts]) => [subject, facts.map((f) => f.recorded.eventId)])
      .sort(),
    exemptions: history
      .exemptionsAt(t)
      .map((e) => ({ ...e, categories: e.categories.toJSON(), basis: e.basis.map((f) => f.recorded.eventId) })),
    pending: history.pendingAt(t).map((a) => ({ ...a, basis: a.basis.map((f) => f.recorded.eventId) })),
  };
}
