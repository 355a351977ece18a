/**
 * Changes of what is in force *now*. At any moment τ the ledger says, for a
 * subject, what is restricted at valid time τ as known at record time τ. That
 * changes only when an event is recorded, or when the clock reaches an instant
 * at which a recorded fact takes effect or ends. Each such change is a
 * transition, evaluated from the log alone, so a replay after a restart yields
 * the same transitions with the same ids; except a record read after the feed
 * had passed its record time, taken in where the feed stood (see RecordedChange).
 *
 * Only subjects whose state can change are evaluated: a change of a measure's
 * subjects concerns the subjects it names; anything else concerns all the
 * measure's subjects. Transitions come one subject at a time, so a feed can
 * stop or yield between them.
 */
import { CategorySet, type CategorySetAnswer } from '../src/domain/categories.js';
import { basisOf, type BasisEntry } from '../src/domain/basis.js';
import { subjectsNamedIn, type StandingFact } from '../src/domain/facts.js';
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';
import { modelAsOf } from './model-as-of.js';
import { sharedOutcomes } from './shared-outcomes.js';
import { restrictedSetAt } from './subject-queries.js';

export interface EffectiveTransition {
  /** Resume id, set by the feed: `<time>-<kind>-<position>-<subject>`. */
  id: string;
  subjectId: string;
  /**
   * When it took effect: the record time of the event (or, for a record read after the feed had passed that time,
   * the time the feed had reached), or the instant the clock reached.
   */
  at: string;
  asOfPosition: string;
  became: { restricted: CategorySetAnswer; unrestricted: CategorySetAnswer };
  /** What is restricted from then on. */
  restricted: CategorySetAnswer;
  /** The events that caused it. */
  causes: BasisEntry[];
}

export type { CategorySetAnswer };

/** One subject evaluated: its transition, or undefined when its state did not change. */
export type SubjectOutcome = EffectiveTransition | undefined;

const answer = (set: CategorySet): CategorySetAnswer => set.toAnswer();

/** Payloads are never changed once stored: their instants are parsed once (each instant looks at every fact of its measures). */
const instantsOfPayload = new WeakMap<object, readonly number[]>();

/** The instants (ms) at which an event's payload starts or ends something; read from the log, checked or not. */
export function instantsNamedBy(data: unknown): readonly number[] {
  if (typeof data !== 'object' || data === null) return [];
  const known = instantsOfPayload.get(data);
  if (known) return known;
  // Any stored object, even one set aside as unreadable: only the fields named here are read, each checked to be text.
  const record = data as { effectiveFrom?: unknown; effectiveUntil?: unknown; replacement?: unknown };
  const instants = [record.effectiveFrom, record.effectiveUntil]
    .filter((x): x is string => typeof x === 'string')
    .map((x) => Date.parse(x));
  const all = record.replacement ? [...instants, ...instantsNamedBy(record.replacement)] : instants;
  instantsOfPayload.set(data, all);
  return all;
}

/** Subjects the measure's events had named by a position. */
export function subjectsOfMeasure(model: LedgerReadModel, measureId: string, position: bigint): string[] {
  const subjects = new Set<string>();
  for (const fact of model.measures.get(measureId)?.facts ?? []) {
    if (fact.position > position) break;
    for (const subject of subjectsNamedIn(fact.data)) subjects.add(subject);
  }
  return [...subjects].sort();
}

const SUBJECT_CHANGES = new Set(['SubjectsAdded', 'SubjectsRemoved']);

/**
 * The subjects whose restricted set an event (or a fact taking effect) can
 * change: an addition or removal of subjects touches only the subjects it
 * names; a scope change, exemption, lifting, retraction or correction may touch
 * every subject of the measure.
 */
function subjectsConcerned(
  model: LedgerReadModel,
  measureId: string,
  position: bigint,
  type: string,
  data: unknown,
): string[] {
  if (!SUBJECT_CHANGES.has(type)) return subjectsOfMeasure(model, measureId, position);
  // A recorded change's data comes from the log unchecked (see RecordedChange): the list is read only if it is one.
  const named: unknown = data && typeof data === 'object' ? Reflect.get(data, 'subjects') : undefined;
  return Array.isArray(named) ? named.filter((s): s is string => typeof s === 'string') : [];
}

/** The subjects a client asked for; all of them, shared and not copied, where it asked for none. */
const wanted = (subjects: string[], subjectFilter: string[] | undefined) =>
  subjectFilter?.length ? subjects.filter((s) => subjectFilter.includes(s)) : subjects;

/**
 * What a change from one set to another made restricted and unrestricted,
 * kept for the last pair seen per resulting set: the subjects of a measure
 * often share both sets (see `MeasureHistory.restrictedAt`), and a scope
 * change can concern thousands of them.
 */
const changesTo = new WeakMap<CategorySet, { before: CategorySet; became: EffectiveTransition['became'] }>();

function became(before: CategorySet, after: CategorySet): EffectiveTransition['became'] {
  const kept = changesTo.get(after);
  if (kept?.before === before) return kept.became;
  const change = { restricted: answer(after.difference(before)), unrestricted: answer(before.difference(after)) };
  changesTo.set(after, { before, became: change });
  return change;
}

/** A subject's transition at `time` (told then; the state after it read at valid time `validAt`), if its state changed. */
function transition(
  known: LedgerReadModel,
  subjectId: string,
  time: number,
  validAt: number,
  position: bigint,
  before: CategorySet,
  causes: BasisEntry[],
): EffectiveTransition | undefined {
  const after = restrictedSetAt(known, subjectId, { at: validAt, asOfPosition: position });
  if (after.equals(before)) return undefined;
  return {
    id: '',
    subjectId,
    at: new Date(time).toISOString(),
    asOfPosition: position.toString(),
    became: became(before, after),
    restricted: answer(after),
    causes,
  };
}

/** The event recorded at `position` in a measure, as the transitions see it. */
export interface RecordedChange {
  measureId: string;
  type: string;
  data: unknown;
  position: bigint;
  /**
   * When the feed takes the record in: its record time, or, for a record read
   * after the feed had evaluated instants past that time (another writer's
   * record its read model had not folded, a resume id naming a later time),
   * just after those instants.
   */
  atMs: number;
  cause: BasisEntry;
}

/**
 * Transitions caused by recording an event, one subject at a time, in subject
 * order: what is restricted just before `atMs`, as known before the record
 * and after it. What the record makes effective at `atMs` itself is told at
 * that instant, which follows it: so each transition starts from the state
 * the one before it ended in, and nothing is told twice.
 */
export function* transitionsOnRecord(
  model: LedgerReadModel,
  change: RecordedChange,
  subjectFilter?: string[],
): Generator<SubjectOutcome> {
  const { position, atMs } = change;
  const shared = sharedOutcomes<SubjectOutcome, string[]>(model);
  const key = `r${position}-${atMs}`;
  let worked = false;
  const subjects = wanted(
    shared.facts(key, () => {
      worked = true;
      return [...new Set(subjectsConcerned(model, change.measureId, position, change.type, change.data))].sort();
    }),
    subjectFilter,
  );
  // Finding them read every fact of the measure; the first subject may resolve it as known at the record: apart.
  if (worked) yield undefined;
  let models: { before: LedgerReadModel; after: LedgerReadModel } | undefined;
  for (const s of subjects) {
    yield shared.outcome(key, s, () => {
      models ??= { before: modelAsOf(model, position - 1n), after: modelAsOf(model, position) };
      return transition(
        models.after,
        s,
        atMs,
        atMs - 1,
        position,
        restrictedSetAt(models.before, s, { at: atMs - 1, asOfPosition: position - 1n }),
        [change.cause],
      );
    });
  }
}

/**
 * Transitions at an instant the clock reached, as known at `position`, one
 * subject at a time: the subjects concerned by the facts of `measureIds`
 * that take effect or end at the instant.
 */
export function* transitionsAtInstant(
  model: LedgerReadModel,
  instant: number,
  measureIds: Iterable<string>,
  position: bigint,
  subjectFilter?: string[],
): Generator<SubjectOutcome> {
  const known = modelAsOf(model, position);
  const shared = sharedOutcomes<SubjectOutcome, { subjects: string[]; basis: BasisEntry[] }>(model);
  // The measures with a fact at an instant only grow as records arrive, and `position` already bounds what is known.
  const key = `i${instant}-${position}`;
  let worked = false;
  const { subjects, basis } = shared.facts(key, () => {
    worked = true;
    return concernedAtInstant(model, known, instant, measureIds, position);
  });
  // Finding them read every fact of the measures; the first subject may resolve them as known at `position`: apart.
  if (worked) yield undefined;
  for (const s of wanted(subjects, subjectFilter)) {
    yield shared.outcome(key, s, () =>
      transition(
        known,
        s,
        instant,
        instant,
        position,
        restrictedSetAt(known, s, { at: instant - 1, asOfPosition: position }),
        basis,
      ),
    );
  }
}

/** The subjects whose state the facts taking effect or ending at an instant concern, and those facts as causes. */
function concernedAtInstant(
  model: LedgerReadModel,
  known: LedgerReadModel,
  instant: number,
  measureIds: Iterable<string>,
  position: bigint,
) {
  const causes: StandingFact[] = [];
  const subjects = new Set<string>();
  for (const measureId of measureIds) {
    const history = measureAsOf(known, measureId, position);
    if (!history) continue;
    const here = history.facts.filter((f) => instantsNamedBy(f.data).includes(instant));
    causes.push(...here);
    const named = here.every((f) => SUBJECT_CHANGES.has(f.recorded.type));
    const concerned = named
      ? here.flatMap((f) => subjectsConcerned(model, measureId, position, f.recorded.type, f.data))
      : subjectsOfMeasure(model, measureId, position);
    for (const s of concerned) subjects.add(s);
  }
  return causes.length ? { subjects: [...subjects].sort(), basis: basisOf(causes) } : { subjects: [], basis: [] };
}
