/**
 * Every client of the effective feed evaluates the same records and instants,
 * subject by subject. What one (record or instant, subject) yields is a
 * function of the log alone, so it is worked out once per ledger and shared:
 * five live clients cost one evaluation, not five. Bounded; the oldest go
 * first, and a client behind the others simply evaluates again.
 */
import type { LedgerReadModel } from './ledger-read-model.js';

// Live clients evaluate the same record at about the same time: a record's subjects is what needs keeping.
const MAX_OUTCOMES = 4_096;
const MAX_KEYS = 256;

export class SharedOutcomes<Outcome, KeyFacts> {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly keyFacts = new Map<string, KeyFacts>();

  /** What is common to one record or instant (its subjects, its causes), worked out once. */
  facts(key: string, work: () => KeyFacts): KeyFacts {
    return remembered(this.keyFacts, key, MAX_KEYS, work);
  }

  /** One subject's outcome at one record or instant. */
  outcome(key: string, subject: string, work: () => Outcome): Outcome {
    return remembered(this.outcomes, `${key}\u0000${subject}`, MAX_OUTCOMES, work);
  }
}

function remembered<V>(map: Map<string, V>, key: string, max: number, work: () => V): V {
  if (map.has(key)) return map.get(key) as V;
  const value = work();
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

const byLedger = new WeakMap<LedgerReadModel, SharedOutcomes<unknown, unknown>>();

/** The shared outcomes of the ledger whose live read model this is (the object the feeds read, not a view as of a position). */
export function sharedOutcomes<Outcome, KeyFacts>(model: LedgerReadModel): SharedOutcomes<Outcome, KeyFacts> {
  let shared = byLedger.get(model);
  if (!shared) {
    shared = new SharedOutcomes();
    byLedger.set(model, shared);
  }
  return shared as SharedOutcomes<Outcome, KeyFacts>;
}
