/**
 * What a query answers (DOMAIN.md): a subject's state, a check of one
 * category, and the timeline of its restricted set, at valid time `at` as
 * known at `asOfPosition`. Every element names its basis.
 */
import { CategorySet } from '../src/domain/categories.js';
import { basisOf, type BasisEntry } from '../src/domain/basis.js';
import type { ExemptionAt } from '../src/domain/exemption-steps.js';
import type { StandingFact } from '../src/domain/facts.js';
import { MeasureHistory } from '../src/domain/measure-history.js';
import { comparePositions, positionOf } from '../src/domain/position.js';
import { measuresOfSubject, type LedgerReadModel } from './ledger-read-model.js';
import { notRestrictingAt, type NotRestrictingAnswer } from './not-restricting.js';
import { finish, SubjectTransitions, unionOf } from './transitions.js';

export interface Knowledge {
  /** Valid time, epoch ms. */
  at: number;
  /** Record time, as a ledger position. */
  asOfPosition: bigint;
}

export interface RestrictionAnswer {
  measureId: string;
  title: string;
  citation?: string;
  categories: string[];
  except: string[];
  basis: BasisEntry[];
}

export interface ExemptionAnswer {
  measureId: string;
  exemptionId: string;
  title: string;
  categories: string[];
  except: string[];
  effectiveFrom: string;
  effectiveUntil: string | null;
  basis: BasisEntry[];
}

export interface PendingAnswer {
  measureId: string;
  /** Null for a measure announced but not yet in force. */
  announcementId: string | null;
  kind: 'easing' | 'imposition';
  statement: string;
  announcedAt: string;
  categories?: string[];
  basis: BasisEntry[];
}

export interface SubjectState {
  subjectId: string;
  at: string;
  asOfPosition: string;
  restricted: RestrictionAnswer[];
  exemptions: ExemptionAnswer[];
  pending: PendingAnswer[];
}

export type CheckStatus = 'restricted' | 'partially-restricted' | 'not-restricted';

export interface CheckAnswer {
  subjectId: string;
  category: string;
  at: string;
  asOfPosition: string;
  status: CheckStatus;
  measures: (RestrictionAnswer & { status: CheckStatus })[];
  exemptions: ExemptionAnswer[];
  pending: PendingAnswer[];
  /**
   * The subject's measures that do not bear on the category at `at` but cover the part of it not restricted at
   * some other valid time, each with why not: what decides a "not".
   */
  notRestricting: NotRestrictingAnswer[];
  basis: BasisEntry[];
}

/** How one measure bears on one subject at one valid time. */
interface Verdict {
  history: MeasureHistory;
  restricted: CategorySet;
  exemptions: ExemptionAt[];
  basis: StandingFact[];
}

/** What the measure restricts for the subject at t, with the exemptions covering it; undefined when it does not bear on it. */
function restrictionOf(history: MeasureHistory, subjectId: string, t: number) {
  if (!history.inForceAt(t)) return undefined;
  const subjectFact = history.subjectFactAt(subjectId, t);
  if (!subjectFact) return undefined;
  const scope = history.scopeAt(t);
  // An exemption carves out only what the measure covers at t: one whose categories all lie outside it carves nothing.
  const exemptions = history
    .exemptionsAt(t)
    .filter((e) => MeasureHistory.exemptionCovers(e, subjectId) && e.categories.intersects(scope.categories));
  return { subjectFact, scope, exemptions, restricted: history.restrictedAt(t, subjectId) };
}

/**
 * The union of what the subject's measures restrict at k: the state's restricted categories, without its answer.
 * A feed asking again and again behind the model's head passes the model as known there (modelAsOf keeps those).
 */
export function restrictedSetAt(model: LedgerReadModel, subjectId: string, k: Knowledge): CategorySet {
  // Most subjects are named by one measure: its set as it is, with no list made for it (asked per subject, per change).
  let only: CategorySet | undefined;
  let sets: CategorySet[] | undefined;
  for (const history of measuresOfSubject(model, subjectId, k.asOfPosition)) {
    if (!history.inForceAt(k.at) || !history.subjectFactAt(subjectId, k.at)) continue;
    const restricted = history.restrictedAt(k.at, subjectId);
    if (!only) only = restricted;
    else (sets ??= [only]).push(restricted);
  }
  return sets ? CategorySet.unionAll(sets) : (only ?? CategorySet.EMPTY);
}

function verdictOf(history: MeasureHistory, subjectId: string, t: number): Verdict | undefined {
  const restriction = restrictionOf(history, subjectId, t);
  if (!restriction) return undefined;
  const { subjectFact, scope, exemptions, restricted } = restriction;
  return {
    history,
    restricted,
    exemptions,
    basis: [history.imposed!, subjectFact, ...scope.basis, ...exemptions.flatMap((e) => e.basis)],
  };
}

function restrictionAnswer(verdict: Verdict): RestrictionAnswer {
  const imposition = verdict.history.imposition!;
  return {
    measureId: verdict.history.measureId,
    title: imposition.title,
    ...(imposition.citation ? { citation: imposition.citation } : {}),
    categories: verdict.restricted.include,
    except: verdict.restricted.exclude,
    basis: basisOf(verdict.basis),
  };
}

function exemptionAnswer(measureId: string, exemption: ExemptionAt): ExemptionAnswer {
  return {
    measureId,
    exemptionId: exemption.exemptionId,
    title: exemption.title,
    categories: exemption.categories.include,
    except: exemption.categories.exclude,
    effectiveFrom: exemption.effectiveFrom,
    effectiveUntil: exemption.effectiveUntil ?? null,
    basis: basisOf(exemption.basis),
  };
}

function pendingOf(history: MeasureHistory, subjectId: string, t: number): PendingAnswer[] {
  if (!history.subjectFactAt(subjectId, t)) return [];
  const pending: PendingAnswer[] = bearingEasings(history, t).map((p) => ({
    measureId: history.measureId,
    announcementId: p.announcementId,
    kind: 'easing' as const,
    statement: p.statement,
    announcedAt: p.announcedAt,
    ...(p.categories ? { categories: p.categories } : {}),
    basis: basisOf(p.basis),
  }));
  const imposition = history.imposition!;
  if (history.impositionPendingAt(t)) {
    pending.unshift({
      measureId: history.measureId,
      announcementId: null,
      kind: 'imposition',
      statement: `${imposition.title}, in force from ${imposition.effectiveFrom}`,
      announcedAt: imposition.announcedAt!,
      categories: imposition.categories,
      basis: basisOf([history.imposed!]),
    });
  }
  return pending;
}

/**
 * The easings pending at t that can bear on something the measure covers at t (for one not yet in force, the scope
 * it is to come into force with): one naming only categories outside that scope is relief of nothing, as an exemption
 * wholly outside it carves nothing, and is not pending.
 */
export function bearingEasings(history: MeasureHistory, t: number) {
  const pending = history.pendingAt(t);
  if (!pending.some((p) => p.categories)) return pending;
  const scope = history.scopeCategoriesAt(t);
  return pending.filter((p) => !p.categories || scope.intersects(CategorySet.of(p.categories)));
}

export function subjectState(model: LedgerReadModel, subjectId: string, k: Knowledge): SubjectState {
  const histories = measuresOfSubject(model, subjectId, k.asOfPosition);
  const verdicts = histories.map((h) => verdictOf(h, subjectId, k.at)).filter((v): v is Verdict => v !== undefined);
  return {
    subjectId,
    at: new Date(k.at).toISOString(),
    asOfPosition: k.asOfPosition.toString(),
    restricted: verdicts.filter((v) => !v.restricted.isEmpty()).map(restrictionAnswer),
    exemptions: verdicts.flatMap((v) => v.exemptions.map((e) => exemptionAnswer(v.history.measureId, e))),
    pending: histories.flatMap((h) => pendingOf(h, subjectId, k.at)),
  };
}

function statusOf(set: CategorySet, category: string): CheckStatus {
  if (set.covers(category)) return 'restricted';
  return set.overlaps(category) ? 'partially-restricted' : 'not-restricted';
}

export function checkCategory(model: LedgerReadModel, subjectId: string, category: string, k: Knowledge): CheckAnswer {
  return checkContext(model, subjectId, k).answer(category);
}

/**
 * `checkCategory` for many categories of one subject at one k (a report's verdicts): the measures' verdicts, their
 * answers and the pending announcements are worked out once, not once per category, so a measure of thousands of
 * categories is not listed again for each. The answers share those lists: read them, never change them.
 */
export function* checkCategories(
  model: LedgerReadModel,
  subjectId: string,
  categories: Iterable<string>,
  k: Knowledge,
): Generator<CheckAnswer, void> {
  const context = checkContext(model, subjectId, k);
  for (const category of categories) yield context.answer(category);
}

function checkContext(model: LedgerReadModel, subjectId: string, k: Knowledge) {
  const histories = measuresOfSubject(model, subjectId, k.asOfPosition);
  const verdicts = histories.map((h) => verdictOf(h, subjectId, k.at)).filter((v): v is Verdict => v !== undefined);
  const restricted = verdicts.reduce((set, v) => set.union(v.restricted), CategorySet.EMPTY);
  // An announcement can change only what its measure covers at T (the scope it will come into force with, for one
  // not yet in force), within the categories it names: a check lists it where that overlaps the category.
  const pendingAll = histories.flatMap((h) => {
    const scope = h.scopeCategoriesAt(k.at);
    return pendingOf(h, subjectId, k.at).map((p) => ({
      answer: p,
      bearsOn: p.categories ? scope.intersection(CategorySet.of(p.categories)) : scope,
    }));
  });
  const scopes = new Map(verdicts.map((v) => [v, v.history.scopeCategoriesAt(k.at)]));
  const notRestricting = notRestrictingAt(histories, subjectId, k.at);
  const measureAnswers = new Map<Verdict, RestrictionAnswer>();
  const exemptionAnswers = new Map<ExemptionAt, ExemptionAnswer>();
  const at = new Date(k.at).toISOString();
  return {
    answer(category: string): CheckAnswer {
      const involved = verdicts.filter((v) => scopes.get(v)!.overlaps(category));
      const exemptions = involved.flatMap((v) =>
        v.exemptions
          .filter((e) => e.categories.overlaps(category))
          .map((e) => cached(exemptionAnswers, e, () => exemptionAnswer(v.history.measureId, e))),
      );
      const pending = pendingAll.filter((p) => p.bearsOn.overlaps(category)).map((p) => p.answer);
      const measures = involved.map((v) => ({
        ...cached(measureAnswers, v, () => restrictionAnswer(v)),
        status: statusOf(v.restricted, category),
      }));
      const formerOrLater = notRestricting(category, restricted);
      const basis = new Map<string, BasisEntry>();
      // The verdict rests on what has legal effect; announcements keep their basis in pending[]. What no longer (or
      // not yet) restricts the category decides the part of it not restricted.
      for (const entry of [...measures, ...exemptions, ...formerOrLater].flatMap((x) => x.basis))
        basis.set(entry.eventId, entry);
      return {
        subjectId,
        category,
        at,
        asOfPosition: k.asOfPosition.toString(),
        status: statusOf(restricted, category),
        measures,
        exemptions,
        pending,
        notRestricting: formerOrLater,
        basis: [...basis.values()].sort((a, b) => comparePositions(positionOf(a.position), positionOf(b.position))),
      };
    },
  };
}

function cached<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
}

export interface TimelineInterval {
  from: string;
  /** Null: open-ended (as known at asOf). */
  until: string | null;
  restricted: { measureId: string; categories: string[]; except: string[] }[];
  /** Categories that became restricted, and that stopped being restricted, at `from`. */
  became: {
    restricted: { categories: string[]; except: string[] };
    unrestricted: { categories: string[]; except: string[] };
  };
  /**
   * The events that cause the change at `from` (each, left out alone, would change it): of the restricted set, or,
   * where that stays the same and only what the measures each restrict changes, of that breakdown.
   */
  changes: BasisEntry[];
}

export interface SubjectTimeline {
  subjectId: string;
  asOfPosition: string;
  from: string | null;
  to: string | null;
  intervals: TimelineInterval[];
}

export function subjectTimeline(
  model: LedgerReadModel,
  subjectId: string,
  asOfPosition: bigint,
  range: { from?: number; to?: number } = {},
): SubjectTimeline {
  return finish(subjectTimelineSteps(model, subjectId, asOfPosition, range));
}

/**
 * `subjectTimeline`, pausing between instants and between the events tried
 * as causes: the work grows with the measures' size, and a server lets other
 * requests run at each pause. The histories it reads are resolved once at the
 * start, so events folded in meanwhile do not change the answer.
 */
export function* subjectTimelineSteps(
  model: LedgerReadModel,
  subjectId: string,
  asOfPosition: bigint,
  range: { from?: number; to?: number } = {},
): Generator<void, SubjectTimeline> {
  // Indexing a long measure's events for the subject is a stretch of its own: in steps, before the first instant.
  const transitions = yield* SubjectTransitions.built(measuresOfSubject(model, subjectId, asOfPosition), subjectId);
  yield;
  // The window clips the whole timeline: an interval begins at each change, and at `from` when one is under way there.
  const { from, to } = range;
  const intervals: TimelineInterval[] = [];
  // Whether the whole timeline has begun: before its first interval nothing restricted the subject.
  let begun = false;
  // The restricted set at the instant walked last: the one just before the next.
  let previous: CategorySet | undefined;
  for (const instant of transitions.walk(from === undefined ? [] : [from])) {
    if (to !== undefined && instant.t >= to) break;
    yield;
    const before = previous ?? unionOf(instant.before).restricted;
    const current = unionOf(instant.after).restricted;
    previous = current;
    // An interval's restricted[] holds throughout it: a measure's share changing starts one, even if the union does not.
    const changed =
      !current.equals(before) ||
      instant.before.some((part, i) => !part.restricted.equals(instant.after[i]!.restricted));
    const startsInterval: boolean = changed && (begun || !current.isEmpty());
    begun ||= startsInterval;
    if (from !== undefined && instant.t < from) continue;
    // At `from` with nothing changing there, the interval under way is clipped: it begins there, claiming no change.
    if (!startsInterval && !(instant.t === from && begun)) continue;
    if (intervals.length) intervals[intervals.length - 1]!.until = new Date(instant.t).toISOString();
    const causes = startsInterval ? yield* transitions.causeSteps(instant, 'restricted', { breakdown: true }) : [];
    intervals.push({
      from: new Date(instant.t).toISOString(),
      until: null,
      restricted: transitions.measures
        .map((m, i) => ({ measureId: m.measureId, restricted: instant.after[i]!.restricted }))
        .filter((r) => !r.restricted.isEmpty())
        .map((r) => ({ measureId: r.measureId, categories: r.restricted.include, except: r.restricted.exclude })),
      // Against the state just before the instant: for a window's first interval, the state just before `from`.
      became: {
        restricted: (startsInterval ? current.difference(before) : CategorySet.EMPTY).toAnswer(),
        unrestricted: (startsInterval ? before.difference(current) : CategorySet.EMPTY).toAnswer(),
      },
      // Only the events that cause the change at `from`, not every event with an instant there.
      changes: causes.map(({ eventId, type, position, recordedAt, citation }) => ({
        eventId,
        type,
        position,
        recordedAt,
        ...(citation ? { citation } : {}),
      })),
    });
  }
  if (to !== undefined && intervals.length) intervals[intervals.length - 1]!.until = new Date(to).toISOString();
  return {
    subjectId,
    asOfPosition: asOfPosition.toString(),
    from: from === undefined ? null : new Date(from).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
    intervals,
  };
}
