/**
 * One measure followed through record time, for a replay in record order: its
 * contribution to a subject as known after each of its records. A record that
 * adds an event, retracts one, or corrects one only adds or removes one
 * standing event; anything subtler (retracting a retraction or a correction,
 * touching the imposition) resolves the measure again from its records.
 */
import { isAmending, standingFactOf, type RecordedFact, type StandingFact } from '../src/domain/facts.js';
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';
import { MeasureContribution } from './measure-contribution.js';
import { ScopeMemo } from './valid-time-lists.js';

export class MeasureFollower {
  private contribution?: MeasureContribution;
  private readonly scopes = new ScopeMemo();
  /** Standing events by id, as the contribution holds them. */
  private standing = new Map<string, StandingFact>();
  private recorded = 0;

  constructor(
    private readonly model: LedgerReadModel,
    private readonly measureId: string,
    private readonly subjectId: string,
  ) {}

  /** The contribution as known after this record (the measure's next one), or undefined while the measure does not exist. */
  advance(fact: RecordedFact): MeasureContribution | undefined {
    const order = this.recorded++;
    if (!this.contribution || !this.step(fact, order)) this.resolve(fact.position);
    return this.contribution?.exists ? this.contribution : undefined;
  }

  /** Applies one record in place; false when it needs a fresh resolution. */
  private step(fact: RecordedFact, order: number): boolean {
    const contribution = this.contribution!;
    if (fact.unreadable !== undefined || fact.type === 'RestrictionImposed') return false;
    if (!isAmending(fact)) {
      this.put(contribution, standingFactOf(fact, fact.data, order));
      return true;
    }
    const target = this.standing.get(fact.data.eventId);
    if (!target || target.type === 'RestrictionImposed') return false;
    contribution.remove(target);
    this.standing.delete(target.recorded.eventId);
    if (fact.type === 'EntryCorrected')
      this.put(contribution, standingFactOf(target.recorded, fact.data.replacement, target.order, fact));
    return true;
  }

  private put(contribution: MeasureContribution, fact: StandingFact): void {
    contribution.add(fact);
    this.standing.set(fact.recorded.eventId, fact);
  }

  private resolve(position: bigint): void {
    const history = measureAsOf(this.model, this.measureId, position);
    this.contribution = history ? new MeasureContribution(history, this.subjectId, false, this.scopes) : undefined;
    this.standing = new Map((history?.facts ?? []).map((f) => [f.recorded.eventId, f]));
  }
}
