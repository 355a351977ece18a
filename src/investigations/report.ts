/**
 * The report an auditor takes away: a subject's state at a valid time as
 * known at a record time, the verdict on each category with the sentences
 * that explain it, every event those rest on with its citation, sources and
 * provenance, the subject's timeline, and the digest of the whole log with an
 * inclusion proof for every basis event (the state's, the explanations' and
 * the timeline's), so the report can be checked
 * against the ledger without trusting whoever handed it over.
 */
import { explainCheck, type ExplanationStep, type SharedSteps } from '../../projections/explain.js';
import { finishPaced } from '../pacer.js';
import { CategorySetNames, type NamedCategorySet } from './category-set-names.js';
import { shareMeasureSteps, type SharedExplanation } from './shared-explanations.js';
import { reportTimeline, type ReportTimeline } from './report-timeline.js';
import { measuresOfSubject, subjectKnown, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import {
  checkCategories,
  subjectState,
  subjectTimelineSteps,
  type CheckStatus,
  type Knowledge,
  type ExemptionAnswer,
  type PendingAnswer,
  type RestrictionAnswer,
} from '../../projections/subject-queries.js';
import { isCategory } from '../domain/categories.js';
import type { RecordedFact } from '../domain/facts.js';
import type { MeasureHistory } from '../domain/measure-history.js';
import { comparePositions, positionText } from '../domain/position.js';
import { streamOf } from '../domain/messages.js';
import { finish } from '../../projections/transitions.js';
import { countUpTo, instantsFor, lastBreak, namesAt, stretchStart } from '../../projections/stretch-start.js';
import type { ErrorDetail } from '../errors.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { leafOf, type Digest, type LogIntegrity } from '../integrity/log-integrity.js';
import type { ResolvedKnowledge } from '../queries/knowledge.js';
import { storedProvenance } from '../domain/fact-reading.js';
import { categoriesNamedIn } from '../domain/facts.js';

export interface ReportBasisEvent {
  eventId: string;
  type: string;
  measureId: string;
  position: string;
  recordedAt: string;
  citation?: string;
  sources?: { title?: string; url?: string; publishedAt?: string }[];
  note?: string;
  actor?: string;
  proof: { leafIndex: number; treeSize: number; leaf: ReturnType<typeof leafOf>; auditPath: string[] };
}

/** A restriction in force at `at`, with since when it has held without a break. */
export interface ReportRestriction extends RestrictionAnswer {
  /** The earliest instant from which this measure has restricted the subject without a break up to `at`. */
  restrictedSince: string;
  /** The earliest instant from which it has restricted exactly these categories (and exceptions) up to `at`. */
  categoriesSince: string;
}

/** The check of one category (checkCategory) with its explanation (explainCheck). */
export interface ReportVerdict {
  category: string;
  status: CheckStatus;
  explanation: ExplanationStep[];
}

export interface SubjectReport {
  subjectId: string;
  /** Whether any event recorded at or before asOfPosition names the subject. */
  subjectKnown: boolean;
  generatedAt: string;
  at: string;
  asOf: string;
  asOfPosition: string;
  notice?: string;
  /** `asked`: the categories the request named; `default`: every category of the subject's measures' scopes and exemptions. */
  categoriesFrom: 'asked' | 'default';
  verdicts: ReportVerdict[];
  state: { restricted: ReportRestriction[]; exemptions: ExemptionAnswer[]; pending: PendingAnswer[] };
  basis: ReportBasisEvent[];
  /** The timeline; a large category set of an interval is named (`categorySet`) instead of listed. */
  timeline: ReportTimeline;
  /**
   * The large category sets the explanations and the timeline name ("category set 1"), each listed once:
   * restating them in every verdict would grow the report with the square of the categories.
   */
  categorySets: NamedCategorySet[];
  /**
   * In a report of many verdicts, the steps a measure's explanation gives for every category (its restriction,
   * subjects, scope changes, corrections), once each; a verdict refers to them by id.
   */
  sharedExplanations: SharedExplanation[];
  digest: Digest;
}

const MAX_CATEGORIES = 100;

/** The optional comma-separated `categories` parameter; undefined when absent. */
export function categoriesParam(value: unknown, problems: ErrorDetail[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push({
      field: 'categories',
      rule: 'isString',
      message: 'categories must be given once, as one comma-separated list',
      value,
    });
    return undefined;
  }
  const categories = value.split(',');
  const bad = categories.find((c) => !isCategory(c));
  if (bad !== undefined) {
    problems.push({
      field: 'categories',
      rule: 'isCategoryList',
      message: 'categories must be categories (lowercase segments [a-z0-9][a-z0-9-]* joined by /) separated by commas',
      value,
    });
  } else if (categories.length > MAX_CATEGORIES) {
    problems.push({
      field: 'categories',
      rule: 'maxSize',
      message: `categories must name at most ${MAX_CATEGORIES} categories`,
      value,
    });
  }
  return [...new Set(categories)];
}

/** Every category named by the scopes and exemptions of the subject's measures, as known. */
function categoriesOf(histories: MeasureHistory[]): string[] {
  const found = new Set<string>();
  for (const history of histories) {
    for (const fact of history.facts) {
      // An announcement's categories are what it speaks of, not a scope.
      if (fact.type === 'EasingAnnounced') continue;
      for (const category of categoriesNamedIn(fact.data)) found.add(category);
    }
  }
  return [...found].sort();
}

/**
 * Since when each restriction in force at `at` has held: the stretch under
 * way at `at` (stretchStart), and within it the last of the measure's own
 * boundaries just before which it restricted other categories. Asked of the
 * measure alone, not of the subject's whole state at each boundary.
 */
function withSince(
  subjectId: string,
  k: Knowledge,
  histories: MeasureHistory[],
  restricted: RestrictionAnswer[],
): ReportRestriction[] {
  return restricted.map((now) => {
    const history = histories.find((h) => h.measureId === now.measureId)!;
    const boundaries = instantsFor(history, subjectId);
    const end = countUpTo(boundaries, k.at);
    const restrictedSince = stretchStart(history, subjectId, k.at)!;
    const categories = history.restrictedAt(k.at, subjectId);
    // The same categories just before a boundary: restricting them (so restricting at all) and nothing else.
    const same = (t: number) => namesAt(history, subjectId, t) && history.restrictedAt(t, subjectId).equals(categories);
    const changed = lastBreak(boundaries, countUpTo(boundaries, restrictedSince - 1), end, same);
    return {
      ...now,
      restrictedSince: new Date(restrictedSince).toISOString(),
      categoriesSince: new Date(changed === undefined ? restrictedSince : boundaries[changed]!).toISOString(),
    };
  });
}

/** What the report answers, from the read model alone: verdicts with explanations, and the state with since when each restriction holds. */
export function reportAnswers(
  model: LedgerReadModel,
  subjectId: string,
  knowledge: Knowledge,
  askedCategories?: string[],
) {
  return finish(reportAnswerSteps(model, subjectId, knowledge, askedCategories, new CategorySetNames()));
}

/**
 * `reportAnswers`, pausing after each verdict: a measure of thousands of categories gives thousands of verdicts.
 * Large category sets are named through `names`; past INLINE_VERDICTS verdicts, the steps each verdict shares
 * with the others are written once (see shared-explanations.ts).
 */
function* reportAnswerSteps(
  model: LedgerReadModel,
  subjectId: string,
  knowledge: Knowledge,
  askedCategories: string[] | undefined,
  names: CategorySetNames,
): Generator<
  void,
  {
    histories: MeasureHistory[];
    verdicts: ReportVerdict[];
    sharedExplanations: SharedExplanation[];
    state: SubjectReport['state'];
  }
> {
  const histories = measuresOfSubject(model, subjectId, knowledge.asOfPosition);
  const state = subjectState(model, subjectId, knowledge);
  const categories = askedCategories ?? categoriesOf(histories);
  const share = categories.length > INLINE_VERDICTS ? shareMeasureSteps() : undefined;
  const verdicts: ReportVerdict[] = [];
  // The answers share their measures' lists (checkCategories): the steps that do not depend on the category, once.
  const sharedSteps: SharedSteps | undefined = share ? new Map() : undefined;
  for (const answer of checkCategories(model, subjectId, categories, knowledge)) {
    const { category } = answer;
    const explanation = explainCheck(model, answer, knowledge, names.text, sharedSteps);
    verdicts.push({ category, status: answer.status, explanation: share ? share.refer(explanation) : explanation });
    yield;
  }
  const restricted = withSince(subjectId, knowledge, histories, state.restricted);
  return {
    histories,
    verdicts,
    sharedExplanations: share?.shared ?? [],
    state: { restricted, exemptions: state.exemptions, pending: state.pending },
  };
}

/** Up to this many verdicts, each explanation is written out whole; beyond, what they share is written once. */
export const INLINE_VERDICTS = 20;

export async function buildReport(
  model: LedgerReadModel,
  store: EventStore,
  integrity: LogIntegrity,
  subjectId: string,
  knowledge: ResolvedKnowledge,
  now: Date,
  askedCategories?: string[],
): Promise<SubjectReport> {
  const names = new CategorySetNames();
  const { histories, verdicts, sharedExplanations, state } = await finishPaced(
    reportAnswerSteps(model, subjectId, knowledge, askedCategories, names),
  );
  const timeline = reportTimeline(
    await finishPaced(subjectTimelineSteps(model, subjectId, knowledge.asOfPosition)),
    names,
  );

  // Every event the state, an explanation or the timeline rests on, with where it was recorded.
  const recorded = new Map<string, RecordedFact & { measureId: string }>();
  for (const history of histories)
    for (const fact of history.recorded) recorded.set(fact.eventId, { ...fact, measureId: history.measureId });
  const referenced = new Set([
    ...[...state.restricted, ...state.exemptions, ...state.pending].flatMap((element) =>
      element.basis.map((b) => b.eventId),
    ),
  ]);
  for (const steps of [...verdicts.map((v) => v.explanation), ...sharedExplanations.map((s) => s.steps)])
    for (const step of steps) for (const e of step.events) referenced.add(e.eventId);
  // And the events the timeline says changed it: an auditor checks why an interval began as much as the state.
  for (const interval of timeline.intervals) for (const change of interval.changes) referenced.add(change.eventId);
  const entries = [...referenced]
    .flatMap((id) => recorded.get(id) ?? [])
    .sort((a, b) => comparePositions(a.position, b.position));

  const stored = new Map<string, StoredEvent>();
  for (const measureId of new Set(entries.map((e) => e.measureId))) {
    for (const event of await store.readStream(streamOf(measureId))) stored.set(event.eventId, event);
  }
  // An event's provenance as it stands: a correction that changed its citation changed it here too, as in the state.
  const standing = new Map<string, unknown>();
  for (const history of histories)
    for (const fact of history.facts)
      if (fact.correctedBy) standing.set(fact.recorded.eventId, fact.correctedBy.data.replacement);
  const digest = integrity.digest();
  const basis = entries.map((entry): ReportBasisEvent => {
    const event = stored.get(entry.eventId)!;
    const data = storedProvenance(standing.has(entry.eventId) ? standing.get(entry.eventId) : event.data);
    const leafIndex = integrity.indexOf(entry.eventId)!;
    return {
      eventId: entry.eventId,
      type: entry.type,
      measureId: entry.measureId,
      position: positionText(entry.position),
      recordedAt: entry.recordedAt,
      ...(data.citation ? { citation: data.citation } : {}),
      ...(data.sources ? { sources: data.sources } : {}),
      ...(data.note ? { note: data.note } : {}),
      ...(typeof event.metadata.actor === 'string' ? { actor: event.metadata.actor } : {}),
      proof: {
        leafIndex,
        treeSize: digest.treeSize,
        leaf: leafOf(event),
        auditPath: integrity.tree.inclusionProof(leafIndex, digest.treeSize).map((h) => h.toString('hex')),
      },
    };
  });
  return {
    subjectId,
    subjectKnown: subjectKnown(model, subjectId, knowledge.asOfPosition),
    generatedAt: now.toISOString(),
    at: new Date(knowledge.at).toISOString(),
    asOf: knowledge.asOf,
    asOfPosition: knowledge.asOfPosition.toString(),
    ...(knowledge.notice ? { notice: knowledge.notice } : {}),
    categoriesFrom: askedCategories ? 'asked' : 'default',
    verdicts,
    state,
    basis,
    timeline,
    categorySets: names.sets,
    sharedExplanations,
    digest,
  };
}
