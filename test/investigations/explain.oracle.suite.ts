/**
 * Explanations against the oracle, fact by fact: over random histories and
 * checks (subject, category, valid time, knowledge), the facts every sentence
 * states (which measure or exemption, since when, held since when after a
 * lapse, until when, why one does not apply and since when, the addition that
 * names the subject, each scope change and what the measure now covers, what
 * is pending since when, each measure that does not restrict the category at
 * that time though it covers it at another, why and since or until when, each
 * measure recorded by mistake whose imposition named the subject and covered
 * the category and since when it was to restrict, the verdict, which events it
 * cites) are the facts the oracle works out from the
 * raw log. An explanation step carries the measure
 * and the events as fields; dates, reasons and categories it states only in
 * its sentence, which is parsed here as little as that takes.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainCheck, type ExplanationStep } from '../../projections/explain.js';
import { evolve, initialState, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { checkCategory } from '../../projections/subject-queries.js';
import {
  DAY,
  DAYS,
  EPOCH,
  historyArbitrary,
  pathsOf,
  realise,
  SUBJECTS,
  UNIVERSE,
} from '../support/history-generator.js';
import { Oracle, oracleLog, type OracleEvent } from '../support/oracle.js';
import { FOUND_NOTS, scopeAndSubjectHistories } from '../support/scope-and-subject-histories.js';
import { expectEqual } from '../support/expect-equal.js';

const oracle = new Oracle(UNIVERSE);

/** A date as sentences give it: the day alone at midnight UTC, else the whole instant. */
const day = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
};
const dayOf = (iso: string) => day(Date.parse(iso));

/** What one sentence about a measure or an exemption states. */
interface Fact {
  measureId: string;
  /** `restricts`, `carves`, `elsewhere` (in force, covers none of the category), or why it does not apply. */
  says: string;
  exemptionId?: string;
  from?: string;
  grantedFrom?: string;
  until?: string;
  on?: string;
  /** What a measure restricts for the subject, as its last scope change's sentence says it now covers. */
  covers?: string;
  events: string[];
}

const ids = (events: { eventId: string }[]) => events.map((e) => e.eventId).sort();
/** The events the oracle expects cited for standing events: each, and the correction that gave it its data. */
/** The events a sentence cites: each fact's own, and the correction its payload comes from. */
const cited = (events: OracleEvent[]) =>
  events.flatMap((e) => [e.eventId, ...(e.correctedBy ? [e.correctedBy] : [])]).sort();

// Titles and citations are the generator's: no quotes or parentheses inside them.
const RESTRICTS = /^(\S+) "[^"]*"(?: \([^)]*\))? restricts .* since (\S+)\.$/;
const CARVES =
  /^Exemption (\S+) "[^"]*"(?: \([^)]*\))? carves .* out of (\S+) from (\S+)(?: \(granted from (\S+), it lapsed in between\))? (?:until (\S+)|with no end date)\.$/;
const ELSEWHERE = /^Exemption (\S+) "[^"]*" is in force but does not cover /;
const CARVES_NOTHING =
  /^Exemption (\S+) "[^"]*" is in force but carves nothing out of \S+: it covers .*, which \S+ does not cover on \S+\.$/;
const NOT_APPLYING = /^Exemption (\S+) "[^"]*"(?: \([^)]*\))? covers .* but does not apply on \S+: (.*)\.$/;
const WHY =
  /^(?:it was (revoked) on (\S+?)(?: \([^)]*\))?|it (begins) on (\S+)|it (ended) on (\S+?)(?:, as set.*)?|it does (not cover) \S+)$/;

const NAMES = /^It names \S+ through an addition of subjects(?: \([^)]*\))?\.$/;
const SCOPE = /^Its scope was (broadened|narrowed)(?: \([^)]*\))?.*?(?:; it now covers (.*) for \S+)?\.$/;
const NOT_RESTRICTING = /^(\S+) "[^"]*"(?: \([^)]*\))? does not restrict \S+ for \S+ on \S+: (.*)\.$/;
/** Why a measure does not restrict the category, as its sentence says: the reason as the answer names it, and when. */
const WHY_NOT: [RegExp, string][] = [
  [/^it begins on (\S+)$/, 'begins'],
  [/^it was lifted on (\S+?)(?: \([^)]*\))?$/, 'lifted'],
  [/^it ended on (\S+)$/, 'ended'],
  [/^\S+ was removed from it on (\S+?)(?: \([^)]*\))?$/, 'subject-removed'],
  [/^it names \S+ only from (\S+?)(?: \([^)]*\))?$/, 'subject-added-later'],
  [/^its scope was narrowed on (\S+?)(?: \([^)]*\))?(?: to .*)?$/, 'scope-narrowed'],
  [/^its scope reaches \S+ only from (\S+), broadened then(?: \([^)]*\))?(?: to .*)?$/, 'scope-broadened-later'],
  // Named only after the broadening that brought the category in: both dates.
  [
    /^its scope reaches \S+ for \S+ only from (\S+), broadened on [^(]+?(?: \([^)]*\))?(?: to .*)?$/,
    'scope-broadened-later',
  ],
];
const RETRACTED =
  /^(\S+) "[^"]*"(?: \([^)]*\))? was recorded at position \d+ as restricting .* for \S+ from (\S+), and retracted at position \d+ \(\S+\) as recorded by mistake: .*\. It restricts nothing\.$/;
const PENDING = /^Announced on (\S+?)(?: \([^)]*\))?, with no legal effect yet: /;
const VERDICT = /^So on \S+, as recorded up to position \d+, \S+ is (restricted|partially restricted|not restricted)/;

/** "a, b except c", as sentences write a category set, as paths of the universe, space-separated. */
function pathsText(set: string): string {
  if (set.trim() === '' || set === 'nothing') return '';
  const [include, except] = set.split(' except ');
  return pathsOf(include!.split(', '), except ? except.split(', ') : []).join(' ');
}

/** The facts the explanation states, read from its fields and, for dates and reasons, its sentences. */
function stated(explanation: ExplanationStep[]): Fact[] {
  const facts: Fact[] = [];
  for (const step of explanation) {
    const base = { measureId: step.measureId!, events: ids(step.events) };
    let match: RegExpExecArray | null;
    if (step.kind === 'restriction' && (match = RESTRICTS.exec(step.sentence)))
      facts.push({ ...base, says: 'restricts', from: match[2] });
    else if (step.kind === 'subject' && NAMES.test(step.sentence)) facts.push({ ...base, says: 'names' });
    else if (step.kind === 'scope' && (match = SCOPE.exec(step.sentence)))
      facts.push({ ...base, says: match[1]!, ...(match[2] !== undefined ? { covers: pathsText(match[2]) } : {}) });
    else if (step.kind === 'pending' && (match = PENDING.exec(step.sentence)))
      facts.push({ ...base, says: 'pending', on: match[1] });
    else if (step.kind === 'not-restricting' && (match = NOT_RESTRICTING.exec(step.sentence))) {
      const why = match[2]!;
      const [pattern, reason] = WHY_NOT.find(([pattern]) => pattern.test(why)) ?? [/(.*)/, 'unparsed'];
      facts.push({ ...base, says: `not: ${reason}`, on: pattern.exec(why)![1] });
    } else if (step.kind === 'verdict' && (match = VERDICT.exec(step.sentence)))
      facts.push({ measureId: '', says: 'verdict', on: match[1], events: [] });
    else if (step.kind === 'retraction' && (match = RETRACTED.exec(step.sentence)))
      facts.push({ ...base, says: 'retracted', from: match[2] });
    else if (step.kind === 'correction' || step.kind === 'retraction') continue;
    else if (step.kind !== 'exemption') facts.push({ ...base, says: `unparsed: ${step.sentence}` });
    else if ((match = CARVES.exec(step.sentence)))
      facts.push({
        ...base,
        says: 'carves',
        exemptionId: match[1],
        from: match[3],
        ...(match[4] ? { grantedFrom: match[4] } : {}),
        ...(match[5] ? { until: match[5] } : {}),
      });
    else if ((match = ELSEWHERE.exec(step.sentence))) facts.push({ ...base, says: 'elsewhere', exemptionId: match[1] });
    else if ((match = CARVES_NOTHING.exec(step.sentence)))
      facts.push({ ...base, says: 'carves nothing', exemptionId: match[1] });
    else if ((match = NOT_APPLYING.exec(step.sentence))) {
      const why = WHY.exec(match[2]!);
      const [says, on] = why ? (why.slice(1).filter((x) => x !== undefined) as [string, string?]) : [match[2]!];
      facts.push({ ...base, says: says, exemptionId: match[1], ...(on ? { on } : {}) });
    } else facts.push({ ...base, says: `unparsed: ${step.sentence}` });
  }
  return facts;
}

/** What the oracle says an explanation of (subject, category) at t must state, from the log as known at k. */
function expected(log: OracleEvent[], k: number, subject: string, category: string, t: number): Fact[] {
  const standing = oracle.standing(log, k);
  const truth = oracle.answerFrom(standing, subject, t);
  const asked = oracle.expand([category]);
  const overlaps = (paths: Set<string>) => [...asked].some((p) => paths.has(p));
  const facts: Fact[] = [];
  for (const measureId of new Set(standing.map((e) => e.measureId))) {
    const events = standing.filter((e) => e.measureId === measureId);
    const imposed = events.find((e) => e.type === 'RestrictionImposed');
    // A measure is involved when in force for the subject at t with a scope overlapping the category.
    const scope = truth.scope.get(measureId);
    if (!imposed || !scope || !overlaps(scope)) continue;
    facts.push({
      measureId,
      says: 'restricts',
      from: day(oracle.stretchStart(standing, subject, measureId, t)!),
      events: cited([imposed]),
    });
    // Its subjects: the addition that names the subject, where the last change naming it at t is one.
    const naming = events
      .filter(
        (e) =>
          (e.type === 'SubjectsAdded' || e.type === 'SubjectsRemoved') &&
          e.data.subjects.includes(subject) &&
          Date.parse(e.data.effectiveFrom) <= t,
      )
      .sort(byValidTime)
      .at(-1);
    if (naming?.type === 'SubjectsAdded') facts.push({ measureId, says: 'names', events: cited([naming]) });
    // Its scope changes in force by t, the last recorded saying what the measure now restricts for the subject.
    const scopeChanges = events
      .filter(
        (e) => (e.type === 'ScopeBroadened' || e.type === 'ScopeNarrowed') && Date.parse(e.data.effectiveFrom) <= t,
      )
      .sort((a, b) => a.position - b.position);
    for (const change of scopeChanges)
      facts.push({
        measureId,
        says: change.type === 'ScopeBroadened' ? 'broadened' : 'narrowed',
        ...(change === scopeChanges.at(-1)
          ? { covers: [...(truth.restricted.get(measureId) ?? [])].sort().join(' ') }
          : {}),
        events: cited([change]),
      });
    for (const grant of events.filter((e) => e.type === 'ExemptionGranted')) {
      const exemption = oracle.exemption(events, grant, subject, t);
      const standing = [grant, ...exemption.amendments, ...(exemption.revokedBy ? [exemption.revokedBy] : [])];
      const exemptionId: string = grant.data.exemptionId;
      const base = { measureId, exemptionId, events: cited(standing) };
      const outside = exemption.categories.size > 0 && ![...exemption.categories].some((p) => scope.has(p));
      if (Oracle.applies(exemption) && outside) {
        if (overlaps(exemption.categories)) facts.push({ ...base, says: 'carves nothing' });
      } else if (Oracle.applies(exemption)) {
        if (!truth.exemptions.has(`${measureId}/${exemptionId}`)) throw new Error('the oracle disagrees with itself');
        if (!overlaps(exemption.categories)) {
          facts.push({ ...base, says: 'elsewhere' });
          continue;
        }
        const grantedFrom = Date.parse(grant.data.effectiveFrom);
        const since = oracle.heldSince(events, grant, subject, t)!;
        facts.push({
          ...base,
          events: cited(standing),
          says: 'carves',
          from: day(Math.max(since, grantedFrom)),
          ...(since > grantedFrom ? { grantedFrom: day(grantedFrom) } : {}),
          ...(exemption.until ? { until: dayOf(exemption.until) } : {}),
        });
      } else if (overlaps(exemption.categories)) {
        const cause = exemption.revokedBy
          ? { says: 'revoked', on: dayOf(exemption.revokedBy.data.effectiveFrom) }
          : t < Date.parse(grant.data.effectiveFrom)
            ? { says: 'begins', on: dayOf(grant.data.effectiveFrom) }
            : exemption.until !== undefined && Date.parse(exemption.until) <= t
              ? { says: 'ended', on: dayOf(exemption.until) }
              : { says: 'not cover' };
        facts.push({ ...base, ...cause });
      }
    }
  }
  // Announcements pending at t for the subject, of any of its measures, that bear on the category.
  for (const key of oracle.checkPending(standing, subject, category, t)) {
    const [measureId, announcementId] = key.split('/') as [string, string];
    const events = standing.filter((e) => e.measureId === measureId);
    const announcement =
      announcementId === 'imposition'
        ? events.find((e) => e.type === 'RestrictionImposed')!
        : events.find((e) => e.type === 'EasingAnnounced' && e.data.announcementId === announcementId)!;
    facts.push({ measureId, says: 'pending', on: dayOf(announcement.data.announcedAt), events: cited([announcement]) });
  }
  // The measures recorded by mistake whose imposition named the subject and covered the category: retracted.
  for (const { measureId, imposed, retraction } of oracle.retractedMeasures(log, subject, category, k))
    facts.push({
      measureId,
      says: 'retracted',
      from: dayOf(imposed.data.effectiveFrom),
      events: ids([imposed, retraction]),
    });
  // The measures that do not restrict the category at t though they cover it at another time, and why.
  for (const { measureId, reason, on, events } of oracle.notRestricting(standing, subject, category, t))
    facts.push({ measureId, says: `not: ${reason}`, on: day(on), events: cited(events) });
  const status = oracle.status(truth, category);
  facts.push({ measureId: '', says: 'verdict', on: status.replace('-', ' '), events: [] });
  return facts;
}

const byValidTime = (a: OracleEvent, b: OracleEvent) =>
  Date.parse(a.data.effectiveFrom) - Date.parse(b.data.effectiveFrom) || a.position - b.position;

/** Facts in one order whatever the order of their fields, each with its fields in one order. */
const order = (facts: Fact[]) =>
  facts
    .map((fact) => Object.fromEntries(Object.entries(fact).sort(([a], [b]) => a.localeCompare(b))))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function check(model: LedgerReadModel, log: OracleEvent[], subject: string, category: string, t: number, k: number) {
  const knowledge = { at: t, asOfPosition: BigInt(k) };
  const explanation = explainCheck(model, checkCategory(model, subject, category, knowledge), knowledge);
  const got = stated(explanation);
  expectEqual(
    { subject, category, at: day(t), k, facts: order(got) },
    { subject, category, at: day(t), k, facts: order(expected(log, k, subject, category, t)) },
  );
  return got;
}

describe('investigations/explain.oracle', () => {
  it("an explanation states the oracle's facts: each measure since when, how it names the subject, its scope changes and what it now covers, each exemption from, held since and until when, each one not applying why and since when, what is pending since when, each measure not restricting it why and since or until when, the verdict, with the events cited", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        historyArbitrary,
        // Knowledge: mostly the whole history, sometimes what was recorded up to some position.
        fc.option(fc.nat(), { freq: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 3, maxLength: 6 }),
        (events, prefix, queries) => {
          const model = events.reduce(evolve, initialState());
          const k = prefix === null ? events.length : prefix % (events.length + 1);
          const log = oracleLog(events);
          const standing = oracle.standing(log, k);
          // Mostly the instants exemptions name (where lapses and renewals meet) and the categories they name.
          const exemptionEvents = standing.filter((e) => e.data.exemptionId !== undefined);
          const instants = Oracle.instants(exemptionEvents);
          const named = [
            ...new Set(exemptionEvents.flatMap((e) => [...(e.data.categories ?? []), ...(e.data.addCategories ?? [])])),
          ] as string[];
          for (const [when, what, named_] of queries) {
            const t =
              when % 3 && instants.length
                ? instants[when % instants.length]! + (((when >> 2) % 3) - 1) * DAY
                : EPOCH + ((when % (DAYS + 27)) - 1) * DAY;
            const category = named_ && named.length ? named[what % named.length]! : UNIVERSE[what % UNIVERSE.length]!;
            for (const subject of SUBJECTS)
              for (const fact of check(model, log, subject, category, t, k)) {
                const kind = fact.says + (fact.grantedFrom ? ' after a lapse' : '');
                seen.set(kind, (seen.get(kind) ?? 0) + 1);
              }
          }
        },
      ),
      { numRuns: 200 },
    );
    // Every kind of fact occurs, a lapse included, and every reason a measure does not restrict the category.
    expect([...seen.keys()].sort()).toEqual(
      expect.arrayContaining([
        'begins',
        'carves',
        'carves after a lapse',
        'ended',
        'not cover',
        'restricts',
        'revoked',
        'not: begins',
        'not: lifted',
        'not: ended',
        'not: subject-removed',
        'not: subject-added-later',
        'not: scope-narrowed',
        'not: scope-broadened-later',
        'retracted',
      ]),
    );
  }, 120_000);

  /** Every fact of the explanations of every category for s1 and s2 at each instant the history names and 1 ms either side. */
  const explainedThroughout = (events: ReturnType<typeof realise>, seen: Map<string, number>) => {
    const model = events.reduce(evolve, initialState());
    const log = oracleLog(events);
    const standing = oracle.standing(log, events.length);
    const instants = [...new Set(Oracle.instants(standing).flatMap((t) => [t - 1, t, t + 1]))];
    for (const t of instants)
      for (const subject of ['s1', 's2'])
        for (const category of UNIVERSE)
          for (const fact of check(model, log, subject, category, t, events.length))
            seen.set(fact.says, (seen.get(fact.says) ?? 0) + 1);
  };

  it.each(FOUND_NOTS)("an explanation states the oracle's facts where $name", ({ intents }) => {
    const events = realise(intents);
    expect(events).toHaveLength(intents.length);
    explainedThroughout(events, new Map());
  });

  it("an explanation states the oracle's facts over two measures whose scopes and subjects change", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(scopeAndSubjectHistories, (events) => explainedThroughout(events, seen)),
      { numRuns: 25 },
    );
    expect(seen.get('not: scope-narrowed')).toBeGreaterThan(20);
    expect(seen.get('not: scope-broadened-later')).toBeGreaterThan(20);
  }, 120_000);
});
