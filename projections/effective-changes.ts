/**
 * Changes of what is in force *now*. At any moment τ the ledger says, for a
 * subject, what is restricted at valid time τ as known at record time τ. That
 * changes only when an event is recorded, or when the clock reaches an instant
 * at which a recorded fact takes effect or ends. Each such change is a
 * transition, identified by `<instant ms>-<position>`: evaluated from the log
 * alone, so a replay after a restart yields the same transitions with the same ids.
 */
import { CategorySet } from '../src/domain/categories.js';
import { basisOf, type BasisEntry, type StandingFact } from '../src/domain/measure-history.js';
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';
import { subjectState } from './subject-queries.js';

export interface EffectiveTransition {
  /** Resume id: `<instant ms>-<ledger position>`. */
  id: string;
  subjectId: string;
  /** When it took effect: the record time of the event, or the instant the clock reached. */
  at: string;
  asOfPosition: string;
  became: { restricted: CategorySetAnswer; unrestricted: CategorySetAnswer };
  /** What is restricted from then on. */
  restricted: CategorySetAnswer;
  /** The events that caused it. */
  causes: BasisEntry[];
}

export interface CategorySetAnswer {
  categories: string[];
  except: string[];
}

const answer = (set: CategorySet): CategorySetAnswer => ({ categories: set.include, except: set.exclude });

export function restrictedSet(model: LedgerReadModel, subjectId: string, at: number, asOfPosition: bigint): CategorySet {
  return subjectState(model, subjectId, { at, asOfPosition }).restricted.reduce(
    (set, r) => set.union(CategorySet.fromJson({ include: r.categories, exclude: r.except })),
    CategorySet.EMPTY,
  );
}

/** The instants (ms) at which an event's payload starts or ends something. */
export function instantsNamedBy(data: unknown): number[] {
  const record = (data ?? {}) as { effectiveFrom?: string; effectiveUntil?: string; replacement?: unknown };
  const instants = [record.effectiveFrom, record.effectiveUntil].filter((x): x is string => typeof x === 'string').map((x) => Date.parse(x));
  return record.replacement ? [...instants, ...instantsNamedBy(record.replacement)] : instants;
}

/** Subjects the measure's events had named by a position. */
export function subjectsOfMeasure(model: LedgerReadModel, measureId: string, position: bigint): string[] {
  const subjects = new Set<string>();
  for (const fact of model.measures.get(measureId)?.facts ?? []) {
    if (BigInt(fact.position) > position) break;
    const collect = (value: unknown) => {
      const record = (value ?? {}) as Record<string, unknown>;
      for (const field of ['subjects', 'addSubjects', 'removeSubjects']) {
        if (Array.isArray(record[field])) for (const s of record[field] as string[]) subjects.add(s);
      }
      if (record.replacement) collect(record.replacement);
    };
    collect(fact.data);
  }
  return [...subjects].sort();
}

function transition(
  model: LedgerReadModel,
  subjectId: string,
  instant: number,
  position: bigint,
  before: CategorySet,
  causes: BasisEntry[],
): EffectiveTransition | undefined {
  const after = restrictedSet(model, subjectId, instant, position);
  if (after.equals(before)) return undefined;
  return {
    id: `${instant}-${position}`,
    subjectId,
    at: new Date(instant).toISOString(),
    asOfPosition: position.toString(),
    became: { restricted: answer(after.difference(before)), unrestricted: answer(before.difference(after)) },
    restricted: answer(after),
    causes,
  };
}

/** Transitions caused by recording the event at `position` (record time `recordedMs`) in a measure. */
export function transitionsOnRecord(
  model: LedgerReadModel,
  measureId: string,
  position: bigint,
  recordedMs: number,
  cause: BasisEntry,
  subjectFilter?: string[],
): EffectiveTransition[] {
  const subjects = subjectsOfMeasure(model, measureId, position).filter((s) => !subjectFilter?.length || subjectFilter.includes(s));
  return subjects
    .map((s) => transition(model, s, recordedMs, position, restrictedSet(model, s, recordedMs, position - 1n), [cause]))
    .filter((t): t is EffectiveTransition => t !== undefined);
}

/** Transitions at an instant the clock reached, for the measures with facts at it, as known at `position`. */
export function transitionsAtInstant(
  model: LedgerReadModel,
  instant: number,
  measureIds: Iterable<string>,
  position: bigint,
  subjectFilter?: string[],
): EffectiveTransition[] {
  const causes: StandingFact[] = [];
  const subjects = new Set<string>();
  for (const measureId of measureIds) {
    const history = measureAsOf(model, measureId, position);
    if (!history) continue;
    causes.push(...history.facts.filter((f) => instantsNamedBy(f.data).includes(instant)));
    for (const s of subjectsOfMeasure(model, measureId, position)) if (!subjectFilter?.length || subjectFilter.includes(s)) subjects.add(s);
  }
  if (!causes.length) return [];
  const basis = basisOf(causes);
  return [...subjects]
    .sort()
    .map((s) => transition(model, s, instant, position, restrictedSet(model, s, instant - 1, position), basis))
    .filter((t): t is EffectiveTransition => t !== undefined);
}
