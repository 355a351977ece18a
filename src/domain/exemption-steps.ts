/** An exemption's successive states in valid time: as granted, then as each amendment or revocation leaves it. */
import { CategorySet } from './categories.js';
import type { StandingFact } from './facts.js';
import { toMillis } from './time.js';

export interface ExemptionAt {
  exemptionId: string;
  title: string;
  categories: CategorySet;
  /** Undefined: every subject of the measure, with `added` and without `removed`. */
  subjects?: Set<string>;
  added: Set<string>;
  removed: Set<string>;
  effectiveFrom: string;
  effectiveUntil?: string;
  basis: StandingFact[];
}

/** An exemption as it stands from `fromMs` in valid time (undefined: revoked), with its window in ms. */
export interface ExemptionStep {
  fromMs: number;
  exemption?: ExemptionAt;
  windowFromMs: number;
  windowUntilMs: number;
}

/** Whether an exemption (as it stands at t) covers a subject of the measure at t. */
export function exemptionCovers(exemption: ExemptionAt, subject: string): boolean {
  if (exemption.removed.has(subject)) return false;
  if (exemption.added.has(subject)) return true;
  return exemption.subjects ? exemption.subjects.has(subject) : true;
}

/** A grant's exemption as granted. */
export function grantedExemption(fact: StandingFact<'ExemptionGranted'>): ExemptionAt {
  const grant = fact.data;
  return {
    exemptionId: grant.exemptionId,
    title: grant.title,
    categories: CategorySet.ofRecorded(grant.categories),
    subjects: grant.subjects ? new Set(grant.subjects) : undefined,
    added: new Set(),
    removed: new Set(),
    effectiveFrom: grant.effectiveFrom,
    effectiveUntil: grant.effectiveUntil,
    basis: [fact],
  };
}

export function exemptionStep(fromMs: number, exemption: ExemptionAt | undefined): ExemptionStep {
  return {
    fromMs,
    exemption,
    windowFromMs: exemption ? toMillis(exemption.effectiveFrom) : Infinity,
    windowUntilMs: exemption?.effectiveUntil === undefined ? Infinity : toMillis(exemption.effectiveUntil),
  };
}

/** The exemption with an amendment applied, as a new value: earlier steps stay as they were. */
export function amended(exemption: ExemptionAt, fact: StandingFact<'ExemptionAmended'>): ExemptionAt {
  const amendment = fact.data;
  let categories = exemption.categories;
  if (amendment.addCategories?.length) categories = categories.union(CategorySet.ofRecorded(amendment.addCategories));
  if (amendment.removeCategories?.length)
    categories = categories.difference(CategorySet.ofRecorded(amendment.removeCategories));
  const added = new Set(exemption.added);
  const removed = new Set(exemption.removed);
  for (const subject of amendment.addSubjects ?? []) {
    removed.delete(subject);
    added.add(subject);
  }
  for (const subject of amendment.removeSubjects ?? []) {
    added.delete(subject);
    removed.add(subject);
  }
  return {
    ...exemption,
    categories,
    added,
    removed,
    effectiveUntil: amendment.effectiveUntil ?? exemption.effectiveUntil,
    basis: [...exemption.basis, fact],
  };
}
