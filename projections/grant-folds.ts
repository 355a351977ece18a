/**
 * A measure's grants and the amendments and revocations of each exemption id,
 * folded at a valid time had some of its events never been recorded: the
 * exemption part of a measure's contribution (measure-contribution.ts).
 */
import { isExemptionChange } from '../src/domain/acted-on.js';
import { CategorySet } from '../src/domain/categories.js';
import type { ExemptionAt } from '../src/domain/exemption-steps.js';
import type { StandingFact } from '../src/domain/facts.js';
import { actedOnUntil, actsOn } from './acted-on-order.js';
import { byValidTime, insertSorted, push, toMillis } from './valid-time-lists.js';

export interface GrantStanding {
  exemption: ExemptionAt;
  revokedBy?: StandingFact<'ExemptionRevoked'>;
  untilSetBy?: StandingFact<'ExemptionAmended'>;
}

type Grant = StandingFact<'ExemptionGranted'>;
type ExemptionChange = StandingFact<'ExemptionAmended' | 'ExemptionRevoked'>;

export class GrantFolds {
  /** Per exemption id, its grants in record order. */
  private readonly grantsById = new Map<string, Grant[]>();
  /** Per exemption id, its amendments and revocations in valid-time order. */
  private readonly changesById = new Map<string, ExemptionChange[]>();

  /** Takes in a grant or a change of one (others are not its concern); `bulk`: the lists are sorted by `sorted` after. */
  add(fact: StandingFact, bulk: boolean): void {
    if (fact.type === 'ExemptionGranted') {
      push(this.grantsById, fact.data.exemptionId, fact);
      // In record order: a grant put back by `atReplacing` goes back in its place.
      if (!bulk) this.grantsById.get(fact.data.exemptionId)!.sort((a, b) => a.order - b.order);
    } else if (isExemptionChange(fact)) {
      const changes = this.changesById.get(fact.data.exemptionId) ?? [];
      this.changesById.set(fact.data.exemptionId, changes);
      if (bulk) changes.push(fact);
      else insertSorted(changes, fact);
    }
  }

  /** Sorts the changes taken in `bulk`. */
  sorted(): void {
    for (const changes of this.changesById.values()) changes.sort(byValidTime);
  }

  /** The lists the fact may be in, for the caller to take it out of. */
  listsOf(exemptionId: string): (StandingFact[] | undefined)[] {
    return [this.grantsById.get(exemptionId), this.changesById.get(exemptionId)];
  }

  /** The grants of an id, in record order. */
  grantsOfId(exemptionId: string): readonly Grant[] {
    return this.grantsById.get(exemptionId) ?? [];
  }

  /** Every id's grants. */
  allGrants(): Iterable<readonly Grant[]> {
    return this.grantsById.values();
  }

  /** The grant an exemption change amends or revokes (acted-on.ts), for crediting it at its instants. */
  grantsOf(fact: StandingFact): StandingFact[] {
    if (!isExemptionChange(fact)) return [];
    const earlier = this.grantsOfId(fact.data.exemptionId).filter((g) => g.order < fact.order);
    return earlier.length ? [earlier[earlier.length - 1]!] : [];
  }

  /** One grant as it stands at t with its amendments (but `skip`) applied; undefined outside its window or revoked. */
  foldExemption(grant: Grant, t: number, skip: ReadonlySet<StandingFact> | undefined): ExemptionAt | undefined {
    // The window first, without set operations: most grants are outside it at any one instant.
    const data = grant.data;
    if (t < toMillis(data.effectiveFrom)) return undefined;
    let until = data.effectiveUntil;
    const actedOnBefore = actedOnUntil(this.grantsById.get(data.exemptionId), grant, skip);
    for (const change of this.changesById.get(data.exemptionId) ?? []) {
      if (change.fromMs > t) break;
      if (skip?.has(change) || !actsOn(change, grant, actedOnBefore)) continue;
      if (change.type === 'ExemptionRevoked') return undefined;
      until = change.data.effectiveUntil ?? until;
    }
    if (until !== undefined && t >= toMillis(until)) return undefined;
    const standing = this.grantAt(grant, t, skip);
    if (standing.revokedBy) return undefined;
    const { exemption } = standing;
    if (
      t < toMillis(exemption.effectiveFrom) ||
      (exemption.effectiveUntil !== undefined && t >= toMillis(exemption.effectiveUntil))
    )
      return undefined;
    return exemption;
  }

  /** Every grant of the measure as it stands at t (window aside), with what revoked it and what set its end, if anything. */
  grantsAt(t: number): GrantStanding[] {
    return [...this.grantsById.values()].flat().map((grant) => this.grantAt(grant, t, undefined));
  }

  grantAt(grant: Grant, t: number, skip: ReadonlySet<StandingFact> | undefined): GrantStanding {
    const data = grant.data;
    let categories = CategorySet.ofRecorded(data.categories);
    let until = data.effectiveUntil;
    let untilSetBy: StandingFact<'ExemptionAmended'> | undefined;
    let revokedBy: StandingFact<'ExemptionRevoked'> | undefined;
    const added = new Set<string>();
    const removed = new Set<string>();
    const basis: StandingFact[] = [grant];
    const actedOnBefore = actedOnUntil(this.grantsById.get(data.exemptionId), grant, skip);
    for (const change of this.changesById.get(data.exemptionId) ?? []) {
      if (change.fromMs > t) break;
      if (skip?.has(change) || !actsOn(change, grant, actedOnBefore)) continue;
      basis.push(change);
      if (change.type === 'ExemptionRevoked') {
        revokedBy = change;
        break;
      }
      const amendment = change.data;
      if (amendment.addCategories?.length)
        categories = categories.union(CategorySet.ofRecorded(amendment.addCategories));
      if (amendment.removeCategories?.length)
        categories = categories.difference(CategorySet.ofRecorded(amendment.removeCategories));
      for (const subject of amendment.addSubjects ?? []) (removed.delete(subject), added.add(subject));
      for (const subject of amendment.removeSubjects ?? []) (added.delete(subject), removed.add(subject));
      if (amendment.effectiveUntil !== undefined) ((until = amendment.effectiveUntil), (untilSetBy = change));
    }
    const exemption: ExemptionAt = {
      exemptionId: data.exemptionId,
      title: data.title,
      categories,
      subjects: data.subjects ? new Set(data.subjects) : undefined,
      added,
      removed,
      effectiveFrom: data.effectiveFrom,
      ...(until !== undefined ? { effectiveUntil: until } : {}),
      basis,
    };
    return { exemption, ...(revokedBy ? { revokedBy } : {}), ...(untilSetBy ? { untilSetBy } : {}) };
  }
}
