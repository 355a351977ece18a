/**
 * A correction as a cause: what one measure would contribute to a subject had
 * the latest standing correction of one of its events never been recorded.
 *
 * Left out, a correction does not remove its fact: the fact stands with the
 * payload it had before, the previous standing correction's or its own. So
 * the counterfactual swaps the fact for that version in a measure of its own
 * (swapping clears a measure's kept contributions, which the walk relies on),
 * reads the instants asked, and swaps it back.
 */
import { standingFactOf, type ReadableFact, type StandingFact } from '../src/domain/facts.js';
import type { MeasureHistory } from '../src/domain/measure-history.js';
import { MeasureContribution, type Contribution } from './measure-contribution.js';
import { ScopeMemo } from './valid-time-lists.js';

export interface Correction {
  /** The latest standing correction of `fact`. */
  by: ReadableFact<'EntryCorrected'>;
  /** The fact as it stands, with the correction's payload. */
  fact: StandingFact;
  /** The fact as it would stand without the correction. */
  previous: StandingFact;
}

/** Each standing fact of the history that a standing correction replaced, with the version before that correction. */
export function correctionsOf(history: MeasureHistory): Correction[] {
  const corrected = history.facts.filter((f) => f.correctedBy !== undefined);
  if (!corrected.length) return [];
  // Every standing correction per target, in record order: the one before the latest is what leaving it out restores.
  const byTarget = new Map<string, ReadableFact<'EntryCorrected'>[]>();
  for (const event of history.recorded) {
    if (event.unreadable !== undefined || event.type !== 'EntryCorrected' || history.retracted.has(event.eventId))
      continue;
    const list = byTarget.get(event.data.eventId) ?? byTarget.set(event.data.eventId, []).get(event.data.eventId)!;
    list.push(event);
  }
  return corrected.map((fact) => {
    const standing = byTarget.get(fact.recorded.eventId) ?? [];
    const earlier = standing.at(-2);
    const previous = standingFactOf(
      fact.recorded,
      earlier ? earlier.data.replacement : fact.recorded.data,
      fact.order,
      earlier,
    );
    return { by: fact.correctedBy!, fact, previous };
  });
}

/** One measure's contributions to a subject with one correction left out at a time. */
export class WithoutCorrection {
  /** Made when a correction is first tried: most measures have none that bear on the subject. */
  private cached?: MeasureContribution;
  private folded?: MeasureContribution;

  constructor(
    private readonly history: MeasureHistory,
    private readonly subjectId: string,
  ) {}

  /**
   * Folds the measure the correction is tried on, if not yet done; true when it did: a stretch as long as indexing
   * the measure's events, for a caller that pauses between its steps to pause after.
   */
  prepare(correction: Correction): boolean {
    const made = this.measureFor(correction) === undefined;
    this.make(correction);
    return made;
  }

  /** The contribution at each instant had `correction` never been recorded. */
  at(correction: Correction, instants: readonly number[]): Contribution[] {
    return this.make(correction).atReplacing(instants, correction.fact, correction.previous);
  }

  // Only the parts the fact bears on are folded again, the rest read from the timelines; but every part reads the
  // imposition, so one corrected is tried on a measure folded whole.
  private measureFor(correction: Correction): MeasureContribution | undefined {
    return correction.fact.type === 'RestrictionImposed' ? this.folded : this.cached;
  }

  private make(correction: Correction): MeasureContribution {
    return correction.fact.type === 'RestrictionImposed'
      ? (this.folded ??= new MeasureContribution(this.history, this.subjectId, false, new ScopeMemo()))
      : (this.cached ??= new MeasureContribution(this.history, this.subjectId));
  }
}
