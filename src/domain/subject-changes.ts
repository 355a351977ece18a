/**
 * Each subject's additions to and removals from a measure, in valid-time
 * order, shared by the versions of a history: a version puts the lists it
 * changed in a small map over the one it extends, and folds the two into one
 * map only once the small one has grown. Copying the whole map for every
 * AddSubjects made a measure of thousands of subjects allocate all of them
 * again per event.
 */
import type { StandingFact } from './facts.js';
import { insertByValidTime } from './valid-time-order.js';

export type SubjectChange = StandingFact<'SubjectsAdded' | 'SubjectsRemoved'>;

export const isSubjectChange = (fact: StandingFact): fact is SubjectChange =>
  fact.type === 'SubjectsAdded' || fact.type === 'SubjectsRemoved';

/**
 * How many subjects a version's own map holds before it is folded into a new
 * shared one: about the square root of the shared one's size, which balances
 * copying the small map per change against copying the large one per fold.
 */
const MIN_RECENT = 32;

export class SubjectChanges {
  private constructor(
    private readonly shared: ReadonlyMap<string, readonly SubjectChange[]>,
    private readonly recent: ReadonlyMap<string, readonly SubjectChange[]>,
  ) {}

  /** The index of changes already in valid-time order. */
  static of(changesInValidTimeOrder: Iterable<StandingFact>): SubjectChanges {
    const bySubject = new Map<string, SubjectChange[]>();
    for (const fact of changesInValidTimeOrder) {
      if (!isSubjectChange(fact)) continue;
      for (const subject of fact.data.subjects) {
        const list = bySubject.get(subject);
        if (list) list.push(fact);
        else bySubject.set(subject, [fact]);
      }
    }
    return new SubjectChanges(bySubject, new Map());
  }

  /** The subject's changes in valid-time order (empty when it has none). */
  of(subject: string): readonly SubjectChange[] {
    return this.recent.get(subject) ?? this.shared.get(subject) ?? [];
  }

  /** Every subject with a change. */
  *subjects(): Generator<string> {
    yield* this.shared.keys();
    for (const subject of this.recent.keys()) if (!this.shared.has(subject)) yield subject;
  }

  /** The index with more changes; this one is left as it was (an older version of the history still reads it). */
  with(changes: readonly SubjectChange[]): SubjectChanges {
    if (!changes.length) return this;
    const recent = new Map(this.recent);
    for (const fact of changes) {
      for (const subject of fact.data.subjects) {
        const list = (recent.get(subject) ?? this.shared.get(subject) ?? []).slice();
        insertByValidTime(list, fact);
        recent.set(subject, list);
      }
    }
    if (recent.size <= Math.max(MIN_RECENT, Math.sqrt(this.shared.size)))
      return new SubjectChanges(this.shared, recent);
    const folded = new Map(this.shared);
    for (const [subject, list] of recent) folded.set(subject, list);
    return new SubjectChanges(folded, new Map());
  }
}
