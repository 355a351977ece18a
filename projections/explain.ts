/**
 * Why a category is or is not restricted for a subject, as a chain of plain
 * sentences, each tied to the events it rests on: which measure restricts it
 * since when, how its scope changed, which exemption carves it out until
 * when, which exemption covers it but does not apply (ended, not begun,
 * revoked, subject not covered), which measure covers it at another time but
 * not at this one (begins, lifted, ended, subject removed or named later,
 * scope narrowed or broadened later), what is announced but has no legal
 * effect yet, what was corrected or retracted (a measure recorded by mistake
 * included), and the verdict.
 */
import { categorySetText } from '../src/domain/categories.js';
import { citationOf, isAmending, type RecordedFact, type StandingFact } from '../src/domain/facts.js';
import { positionText, type Position } from '../src/domain/position.js';
import { MeasureHistory } from '../src/domain/measure-history.js';
import { toMillis } from '../src/domain/time.js';
import type { LedgerReadModel } from './ledger-read-model.js';
import { measuresOfSubject } from './ledger-read-model.js';
import { MeasureContribution } from './measure-contribution.js';
import { stretchStart } from './stretch-start.js';
import { coveredAsRecorded, retractedMeasuresOfSubject, type RetractedMeasure } from './retracted-measures.js';
import { cite, day, scopeChangeText, whyNot, type SetNamer } from './explanation-text.js';
import type { CheckAnswer, Knowledge } from './subject-queries.js';

export type ExplanationKind =
  | 'restriction'
  | 'subject'
  | 'scope'
  | 'exemption'
  | 'not-restricting'
  | 'pending'
  | 'correction'
  | 'retraction'
  | 'verdict';

export interface ExplanationStep {
  kind: ExplanationKind;
  sentence: string;
  measureId?: string;
  /** The events the sentence rests on, by id and position. */
  events: { eventId: string; position: string; citation?: string }[];
}

/** How a sentence names a category set (explanation-text.ts), for the callers that name them otherwise (reports). */
export type { SetNamer };

const ref = (f: { eventId: string; position: Position | string; citation?: string }) => ({
  eventId: f.eventId,
  position: typeof f.position === 'string' ? f.position : positionText(f.position),
  ...(f.citation ? { citation: f.citation } : {}),
});

/** A standing fact's event, and the correction its payload comes from, if one does: a sentence's dates are its. */
const refsOf = (fact: StandingFact) => [
  ref({ ...fact.recorded, citation: citationOf(fact) }),
  ...(fact.correctedBy ? [ref(fact.correctedBy)] : []),
];

/**
 * The steps that do not depend on the category (a measure's restriction, subjects and scope changes, the
 * corrections of its records), kept by a caller that explains many categories of one subject at one k with the
 * same answers for its measures (checkCategories): worked out once, and the same step objects each time.
 */
export type SharedSteps = Map<string, ExplanationStep[]>;

/** The retracted measures of the subject, found once for all the categories a caller explains with `shared`. */
const retractedShared = new WeakMap<SharedSteps, RetractedMeasure[]>();
function retractedOf(model: LedgerReadModel, subjectId: string, k: Knowledge, shared?: SharedSteps) {
  let found = shared && retractedShared.get(shared);
  if (!found) {
    found = retractedMeasuresOfSubject(model, subjectId, k.asOfPosition);
    if (shared) retractedShared.set(shared, found);
  }
  return found;
}

function cachedSteps(shared: SharedSteps, key: string, make: () => ExplanationStep[]): ExplanationStep[] {
  let steps = shared.get(key);
  if (!steps) shared.set(key, (steps = make()));
  return steps;
}

export function explainCheck(
  model: LedgerReadModel,
  answer: CheckAnswer,
  k: Knowledge,
  list: SetNamer = categorySetText,
  shared?: SharedSteps,
): ExplanationStep[] {
  const steps: ExplanationStep[] = [];
  const { subjectId, category } = answer;
  const histories = measuresOfSubject(model, subjectId, k.asOfPosition);
  for (const measure of answer.measures) {
    const measureSteps = (): ExplanationStep[] => {
      const own: ExplanationStep[] = [];
      const imposed = measure.basis.find((b) => b.type === 'RestrictionImposed');
      const history = histories.find((h) => h.measureId === measure.measureId);
      const imposition = history?.imposition;
      if (imposed && imposition) {
        // The stretch under way at T, not the imposition's start: a subject removed and named again, added later,
        // or a restriction paused by an exemption covering all of it, restricts again only from then.
        const since = history.imposed ? stretchStart(history, subjectId, k.at) : undefined;
        const from = since === undefined ? imposition.effectiveFrom : new Date(since).toISOString();
        own.push({
          kind: 'restriction',
          measureId: measure.measureId,
          sentence: `${measure.measureId} "${measure.title}"${cite(measure.citation)} restricts ${list(imposition.categories)} since ${day(from)}.`,
          events: history.imposed ? refsOf(history.imposed) : [ref(imposed)],
        });
      }
      // Each scope change says what it changed; the last also what the scope now covers (once, not once per change:
      // a measure can have hundreds).
      let lastScopeChange = -1;
      measure.basis.forEach((e, i) => {
        if (e.type === 'ScopeBroadened' || e.type === 'ScopeNarrowed') lastScopeChange = i;
      });
      const facts = history
        ? new Map(history.facts.map((f) => [f.recorded.eventId, f]))
        : new Map<string, StandingFact>();
      const refs = (entry: { eventId: string; position: string; citation?: string }) => {
        const fact = facts.get(entry.eventId);
        return fact ? refsOf(fact) : [ref(entry)];
      };
      for (const [index, entry] of measure.basis.entries()) {
        if (entry.type === 'SubjectsAdded') {
          own.push({
            kind: 'subject',
            measureId: measure.measureId,
            sentence: `It names ${subjectId} through an addition of subjects${cite(entry.citation)}.`,
            events: refs(entry),
          });
        } else if (entry.type === 'ScopeBroadened' || entry.type === 'ScopeNarrowed') {
          const verb = entry.type === 'ScopeBroadened' ? 'broadened' : 'narrowed';
          const covers =
            index === lastScopeChange
              ? `; it now covers ${list(measure.categories, measure.except) || 'nothing'} for ${subjectId}`
              : '';
          own.push({
            kind: 'scope',
            measureId: measure.measureId,
            sentence: `Its scope was ${verb}${cite(entry.citation)}${scopeChangeText(facts.get(entry.eventId), list)}${covers}.`,
            events: refs(entry),
          });
        }
      }
      return own;
    };
    steps.push(...(shared ? cachedSteps(shared, `measure ${measure.measureId}`, measureSteps) : measureSteps()));
  }
  for (const exemption of answer.exemptions) {
    const until = exemption.effectiveUntil ? `until ${day(exemption.effectiveUntil)}` : 'with no end date';
    const grant = exemption.basis.find((b) => b.type === 'ExemptionGranted');
    const history = histories.find((h) => h.measureId === exemption.measureId);
    const heldSince = grant && history?.exemptionHeldSince(grant.eventId, subjectId, k.at);
    // Since when it has held without a break, where a lapse came after its start.
    const from =
      heldSince !== undefined && heldSince > Date.parse(exemption.effectiveFrom)
        ? `from ${day(new Date(heldSince).toISOString())} (granted from ${day(exemption.effectiveFrom)}, it lapsed in between)`
        : `from ${day(exemption.effectiveFrom)}`;
    steps.push({
      kind: 'exemption',
      measureId: exemption.measureId,
      sentence: `Exemption ${exemption.exemptionId} "${exemption.title}"${cite(exemption.basis[0]?.citation)} carves ${list(exemption.categories, exemption.except)} out of ${exemption.measureId} ${from} ${until}.`,
      events: exemption.basis.map(ref),
    });
  }
  // Licences in force for the subject that leave this category out: why they do not help.
  const applying = new Set(answer.exemptions.map((e) => `${e.measureId}/${e.exemptionId}`));
  for (const history of histories) {
    if (!answer.measures.some((m) => m.measureId === history.measureId)) continue;
    for (const exemption of history.exemptionsAt(k.at)) {
      if (
        applying.has(`${history.measureId}/${exemption.exemptionId}`) ||
        !MeasureHistory.exemptionCovers(exemption, subjectId)
      )
        continue;
      const last = exemption.basis[exemption.basis.length - 1]!.recorded;
      const amended = exemption.basis.length > 1 ? `, as amended${cite(citationOf(last))}` : '';
      const covers = list(exemption.categories.paths.include, exemption.categories.paths.exclude) || 'nothing';
      // In force but wholly outside what the measure covers at T (a narrowing took it out): it carves nothing.
      if (!exemption.categories.isEmpty() && !exemption.categories.intersects(history.scopeCategoriesAt(k.at))) {
        if (exemption.categories.overlaps(category))
          steps.push({
            kind: 'exemption',
            measureId: history.measureId,
            sentence: `Exemption ${exemption.exemptionId} "${exemption.title}" is in force but carves nothing out of ${history.measureId}: it covers ${covers}${amended}, which ${history.measureId} does not cover on ${day(answer.at)}.`,
            events: exemption.basis.flatMap(refsOf),
          });
        continue;
      }
      if (exemption.categories.overlaps(category) && !exemption.categories.covers(category)) continue;
      steps.push({
        kind: 'exemption',
        measureId: history.measureId,
        sentence: `Exemption ${exemption.exemptionId} "${exemption.title}" is in force but does not cover ${category}: it covers ${covers}${amended}.`,
        events: exemption.basis.flatMap(refsOf),
      });
    }
  }
  steps.push(
    ...inapplicableExemptions(
      histories.filter((h) => answer.measures.some((m) => m.measureId === h.measureId)),
      answer,
      k.at,
      list,
    ),
  );
  for (const measure of answer.notRestricting) {
    // Only a scope change's sentence reads its fact: looked up then, not indexed for every category of a report.
    const history = histories.find((h) => h.measureId === measure.measureId);
    const factOf = (eventId: string) => history?.facts.find((f) => f.recorded.eventId === eventId);
    steps.push({
      kind: 'not-restricting',
      measureId: measure.measureId,
      sentence: `${measure.measureId} "${measure.title}"${cite(measure.citation)} does not restrict ${category} for ${subjectId} on ${day(answer.at)}: ${whyNot(measure, answer, factOf, list)}.`,
      events: measure.basis.map(ref),
    });
  }
  // A measure recorded by mistake restricts nothing, yet the ledger once said it did: told, on its retraction.
  for (const measure of retractedOf(model, subjectId, k, shared)) {
    if (!coveredAsRecorded(measure, category)) continue;
    const { imposed, retraction } = measure;
    const step = (): ExplanationStep[] => [
      {
        kind: 'retraction',
        measureId: measure.history.measureId,
        sentence: `${measure.history.measureId} "${imposed.data.title}"${cite(imposed.data.citation)} was recorded at position ${positionText(imposed.position)} as restricting ${list(imposed.data.categories)} for ${subjectId} from ${day(imposed.data.effectiveFrom)}, and retracted at position ${positionText(retraction.position)} (${retraction.recordedAt}) as recorded by mistake: ${retraction.data.reason}. It restricts nothing.`,
        events: [imposed, retraction].map((f) => ref({ ...f, citation: citationOf(f) })),
      },
    ];
    steps.push(...(shared ? cachedSteps(shared, `retracted ${measure.history.measureId}`, step) : step()));
  }
  for (const pending of answer.pending) {
    steps.push({
      kind: 'pending',
      measureId: pending.measureId,
      sentence: `Announced on ${day(pending.announcedAt)}${cite(pending.basis[0]?.citation)}, with no legal effect yet: ${pending.statement}`,
      events: pending.basis.map(ref),
    });
  }
  for (const history of histories) {
    const amendments = () => history.recorded.flatMap((fact) => amendmentOf(fact, history.recorded, history.measureId));
    steps.push(...(shared ? cachedSteps(shared, `amendments ${history.measureId}`, amendments) : amendments()));
  }
  const verdict = {
    restricted: 'restricted',
    'partially-restricted': 'partially restricted (some categories under it are not)',
    'not-restricted': 'not restricted',
  }[answer.status];
  steps.push({
    kind: 'verdict',
    sentence: `So on ${day(answer.at)}, as recorded up to position ${answer.asOfPosition}, ${category} is ${verdict} for ${subjectId}.`,
    events: answer.basis.map(ref),
  });
  return steps;
}

/** Exemptions of the measures involved that cover the category but do not apply at t, each with why not. */
function inapplicableExemptions(
  histories: MeasureHistory[],
  answer: CheckAnswer,
  t: number,
  list: SetNamer,
): ExplanationStep[] {
  const { subjectId, category } = answer;
  const steps: ExplanationStep[] = [];
  const applying = new Set(answer.exemptions.map((e) => `${e.measureId}/${e.exemptionId}`));
  for (const history of histories) {
    for (const { exemption, revokedBy, untilSetBy } of new MeasureContribution(history, subjectId).grantsAt(t)) {
      if (applying.has(`${history.measureId}/${exemption.exemptionId}`) || !exemption.categories.overlaps(category))
        continue;
      const cited = (fact?: StandingFact) => cite(citationOf(fact));
      let why: string;
      if (revokedBy) why = `it was revoked on ${day(revokedBy.data.effectiveFrom)}${cited(revokedBy)}`;
      else if (t < toMillis(exemption.effectiveFrom)) why = `it begins on ${day(exemption.effectiveFrom)}`;
      else if (exemption.effectiveUntil !== undefined && toMillis(exemption.effectiveUntil) <= t) {
        why = `it ended on ${day(exemption.effectiveUntil)}${untilSetBy ? `, as set${cited(untilSetBy)}` : ''}`;
      } else if (!MeasureHistory.exemptionCovers(exemption, subjectId)) why = `it does not cover ${subjectId}`;
      else continue;
      // It may cover only part of the category asked about: say which part, not that it covers the whole.
      const coverage = exemption.categories.covers(category)
        ? category
        : `part of ${category} (${list(exemption.categories.paths.include, exemption.categories.paths.exclude)})`;
      steps.push({
        kind: 'exemption',
        measureId: history.measureId,
        sentence: `Exemption ${exemption.exemptionId} "${exemption.title}"${cited(exemption.basis[0])} covers ${coverage} but does not apply on ${day(new Date(t).toISOString())}: ${why}.`,
        events: exemption.basis.flatMap(refsOf),
      });
    }
  }
  return steps;
}

function amendmentOf(fact: RecordedFact, recorded: RecordedFact[], measureId: string): ExplanationStep[] {
  if (fact.unreadable !== undefined || !isAmending(fact)) return [];
  const data = fact.data;
  const target = recorded.find((f) => f.eventId === data.eventId);
  const what = target
    ? `the ${target.type} recorded at position ${target.position}${cite(target.unreadable === undefined ? citationOf(target) : undefined)}`
    : `event ${data.eventId}`;
  const verb = fact.type === 'EntryRetracted' ? 'retracted' : 'corrected';
  return [
    {
      kind: fact.type === 'EntryRetracted' ? 'retraction' : 'correction',
      measureId,
      sentence: `At position ${fact.position} (${fact.recordedAt}) the ledger ${verb} ${what}: ${data.reason}.`,
      events: [ref(fact), ...(target ? [ref(target)] : [])],
    },
  ];
}
