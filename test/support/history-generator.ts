/**
 * Random but valid ledger histories for property tests: random command
 * intents over a few measures, subjects and categories, kept when the decider
 * accepts them. Valid dates are drawn independently of record order, so late
 * records, retroactive dates, overlapping exemptions, corrections and
 * retractions all occur; so do licences renewed days after they ended (or at
 * the very instant), exemptions narrowed then broadened again, corrections of
 * an event already corrected, retractions of amendments and of corrections,
 * subjects removed and added again, announcements never enacted, open-ended
 * and bounded measures, and categories three deep.
 *
 * Never produced (each would need the suites that assume it to change):
 * instants off a day boundary (the feed and report suites step day by day),
 * instants written with an offset or as a bare date (the decider takes them
 * normalised; the parsing is not exercised here), record times near the valid
 * times they concern (suites interleave them themselves), more than two
 * measures, exemptions or announcements per history, citations and sources.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { decide, evolve, initialState, type MeasureStream } from '../../src/domain/decide.js';
import type { LedgerCommand } from '../../src/domain/messages.js';
import type { ReadableFact } from '../../src/domain/facts.js';
import { CategorySet } from '../../src/domain/categories.js';
import { uncheckedFactOf, type LoggedEvent } from '../../src/domain/recorded-fact.js';

export const UNIVERSE = [
  'x',
  'y',
  'x/x',
  'x/y',
  'y/x',
  'y/y',
  'x/x/x',
  'x/x/y',
  'x/y/x',
  'x/y/y',
  'y/x/x',
  'y/x/y',
  'y/y/x',
  'y/y/y',
];
/** The paths of the universe in a category set as answers give it, sorted: comparable with the oracle's sets. */
export function pathsOf(categories: string[], except: string[] = []): string[] {
  const set = CategorySet.fromJson({ include: categories, exclude: except });
  return UNIVERSE.filter((p) => set.contains(p)).sort();
}

export const SUBJECTS = ['s1', 's2', 's3', 's4'];
const MEASURES = ['m1', 'm2'];
const EXEMPTIONS = ['e1', 'e2'];
const ANNOUNCEMENTS = ['a1', 'a2'];
export const DAY = 86_400_000;
export const EPOCH = Date.UTC(2019, 0, 1);
export const DAYS = 40;

// Unbiased: fast-check otherwise favours small values, bunching every date at the start.
const day = fc.noBias(fc.integer({ min: 0, max: DAYS - 1 }));
const iso = (d: number) => new Date(EPOCH + d * DAY).toISOString();
const some = <T>(values: T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

/** What the generator asks for; targets of retractions, corrections, renewals and restorations are picked when applied. */
export type Intent =
  | { kind: 'command'; command: LedgerCommand }
  | { kind: 'retract'; measureId: string; pick: number }
  | { kind: 'correct'; measureId: string; pick: number; shift: number; categories?: string[]; subjects?: string[] }
  /** A licence renewed `gap` days after it ended (0: at the very instant), for `days` more: a lapse in between. */
  | { kind: 'renew'; measureId: string; pick: number; gap: number; days: number }
  /** Categories an amendment took out of an exemption, put back `after` days later. */
  | { kind: 'restore'; measureId: string; pick: number; after: number };

const window = fc.tuple(day, maybe(fc.integer({ min: 1, max: 20 })));
const enacts = maybe(fc.constantFrom(...ANNOUNCEMENTS));

const imposition = fc
  .record({ m: fc.constantFrom(...MEASURES), s: some(SUBJECTS), c: some(UNIVERSE), w: window, ann: maybe(day) })
  .map(({ m, s, c, w, ann }) => ({
    type: 'ImposeRestriction' as const,
    measureId: m,
    title: 't',
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: s,
    categories: c,
    effectiveFrom: iso(w[0]),
    ...(w[1] ? { effectiveUntil: iso(w[0] + w[1] + 25) } : {}),
    ...(ann !== undefined ? { announcedAt: iso(Math.min(ann, w[0])) } : {}),
  }));

const grantIntent = fc
  .record({
    m: fc.constantFrom(...MEASURES),
    e: fc.constantFrom(...EXEMPTIONS),
    c: some(UNIVERSE),
    s: maybe(some(SUBJECTS)),
    w: window,
  })
  .map(({ m, e, c, s, w }) => ({
    type: 'GrantExemption' as const,
    measureId: m,
    exemptionId: e,
    title: 'licence',
    categories: c,
    ...(s ? { subjects: s } : {}),
    effectiveFrom: iso(w[0]),
    ...(w[1] ? { effectiveUntil: iso(w[0] + w[1]) } : {}),
  }));

const amendment = fc
  .record({
    m: fc.constantFrom(...MEASURES),
    e: fc.constantFrom(...EXEMPTIONS),
    d: day,
    until: maybe(fc.integer({ min: 1, max: 25 })),
    ac: maybe(some(UNIVERSE)),
    rc: maybe(some(UNIVERSE)),
    as: maybe(some(SUBJECTS)),
    rs: maybe(some(SUBJECTS)),
  })
  .map(({ m, e, d, until, ac, rc, as, rs }) => ({
    type: 'AmendExemption' as const,
    measureId: m,
    exemptionId: e,
    effectiveFrom: iso(d),
    ...(until !== undefined ? { effectiveUntil: iso(d + until) } : {}),
    ...(ac ? { addCategories: ac } : {}),
    ...(rc ? { removeCategories: rc } : {}),
    ...(as ? { addSubjects: as } : {}),
    ...(rs ? { removeSubjects: rs } : {}),
  }));

const commandIntent: fc.Arbitrary<Intent> = fc
  .oneof(
    imposition,
    fc
      .record({ m: fc.constantFrom(...MEASURES), s: some(SUBJECTS), d: day, add: fc.boolean(), en: enacts })
      .map(({ m, s, d, add, en }) => ({
        type: add ? ('AddSubjects' as const) : ('RemoveSubjects' as const),
        measureId: m,
        subjects: s,
        effectiveFrom: iso(d),
        ...(en ? { enacts: en } : {}),
      })),
    fc
      .record({ m: fc.constantFrom(...MEASURES), c: some(UNIVERSE), d: day })
      .map(({ m, c, d }) => ({ type: 'BroadenScope' as const, measureId: m, categories: c, effectiveFrom: iso(d) })),
    fc
      .record({
        m: fc.constantFrom(...MEASURES),
        remove: maybe(some(UNIVERSE)),
        narrowTo: maybe(some(UNIVERSE)),
        d: day,
        en: enacts,
      })
      .map(({ m, remove, narrowTo, d, en }) => ({
        type: 'NarrowScope' as const,
        measureId: m,
        effectiveFrom: iso(d),
        ...(remove ? { remove } : {}),
        ...(narrowTo ? { narrowTo } : {}),
        ...(en ? { enacts: en } : {}),
      })),
    fc
      .record({
        m: fc.constantFrom(...MEASURES),
        a: fc.constantFrom(...ANNOUNCEMENTS),
        d: day,
        c: maybe(some(UNIVERSE)),
      })
      .map(({ m, a, d, c }) => ({
        type: 'AnnounceEasing' as const,
        measureId: m,
        announcementId: a,
        statement: 'easing',
        announcedAt: iso(d),
        ...(c ? { categories: c } : {}),
      })),
    fc.record({ m: fc.constantFrom(...MEASURES), a: fc.constantFrom(...ANNOUNCEMENTS), d: day }).map(({ m, a, d }) => ({
      type: 'WithdrawAnnouncement' as const,
      measureId: m,
      announcementId: a,
      withdrawnAt: iso(d),
    })),
    amendment,
    amendment,
    grantIntent,
    grantIntent,
    fc.record({ m: fc.constantFrom(...MEASURES), e: fc.constantFrom(...EXEMPTIONS), d: day }).map(({ m, e, d }) => ({
      type: 'RevokeExemption' as const,
      measureId: m,
      exemptionId: e,
      effectiveFrom: iso(d),
    })),
    // Lifts come late, so that measures have a life before them.
    fc.record({ m: fc.constantFrom(...MEASURES), d: day, en: enacts }).map(({ m, d, en }) => ({
      type: 'LiftRestriction' as const,
      measureId: m,
      effectiveFrom: iso(DAYS / 2 + d),
      ...(en ? { enacts: en } : {}),
    })),
  )
  .map((command) => ({ kind: 'command' as const, command: command }));

const intent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 10, arbitrary: commandIntent },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renew' as const),
      measureId: fc.constantFrom(...MEASURES),
      pick: fc.nat(),
      gap: fc.integer({ min: 0, max: 6 }),
      days: fc.integer({ min: 3, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restore' as const),
      measureId: fc.constantFrom(...MEASURES),
      pick: fc.nat(),
      after: fc.integer({ min: 1, max: 10 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retract' as const),
      measureId: fc.constantFrom(...MEASURES),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('correct' as const),
      measureId: fc.constantFrom(...MEASURES),
      pick: fc.nat(),
      shift: fc.integer({ min: -5, max: 5 }),
      categories: maybe(some(UNIVERSE)),
      subjects: maybe(some(SUBJECTS)),
    }),
  },
);

const DATE_FIELDS = ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'];

function corrected(
  data: Record<string, unknown>,
  intent: Extract<Intent, { kind: 'correct' }>,
): Record<string, unknown> {
  const replacement: Record<string, unknown> = { ...data };
  for (const field of DATE_FIELDS) {
    if (typeof replacement[field] === 'string')
      replacement[field] = new Date(Date.parse(replacement[field]) + intent.shift * DAY).toISOString();
  }
  if (intent.categories && Array.isArray(replacement.categories)) replacement.categories = intent.categories;
  if (intent.subjects && Array.isArray(replacement.subjects)) replacement.subjects = intent.subjects;
  return replacement;
}

const grantsIn = (state: MeasureStream) =>
  state.recorded.filter(
    (f): f is ReadableFact<'ExemptionGranted'> => f.unreadable === undefined && f.type === 'ExemptionGranted',
  );
const amendmentsIn = (state: MeasureStream) =>
  state.recorded.filter(
    (f): f is ReadableFact<'ExemptionAmended'> => f.unreadable === undefined && f.type === 'ExemptionAmended',
  );
const nth = <T>(items: T[], pick: number): T | undefined => items[pick % Math.max(1, items.length)];
const shifted = (instant: string, days: number) => new Date(Date.parse(instant) + days * DAY).toISOString();

/** An amendment renewing an exemption after its current end (as last recorded), leaving a lapse of `gap` days. */
function renewal(state: MeasureStream, intent: Extract<Intent, { kind: 'renew' }>): LedgerCommand | undefined {
  const grant = nth(grantsIn(state), intent.pick);
  if (!grant) return undefined;
  const { exemptionId } = grant.data;
  let end = grant.data.effectiveUntil;
  for (const f of amendmentsIn(state))
    if (f.data.exemptionId === exemptionId && f.data.effectiveUntil) end = f.data.effectiveUntil;
  if (!end) return undefined;
  const from = shifted(end, intent.gap);
  return {
    type: 'AmendExemption',
    measureId: state.measureId,
    exemptionId,
    effectiveFrom: from,
    effectiveUntil: shifted(from, intent.days),
  };
}

/** An amendment putting back what an earlier amendment removed from an exemption: narrowed, then broadened again. */
function restoration(state: MeasureStream, intent: Extract<Intent, { kind: 'restore' }>): LedgerCommand | undefined {
  const narrowing = nth(
    amendmentsIn(state).filter((f) => f.data.removeCategories?.length),
    intent.pick,
  );
  if (!narrowing) return undefined;
  return {
    type: 'AmendExemption',
    measureId: state.measureId,
    exemptionId: narrowing.data.exemptionId,
    effectiveFrom: shifted(narrowing.data.effectiveFrom, intent.after),
    addCategories: narrowing.data.removeCategories!,
  };
}

/** Applies intents through the decider; rejected ones are dropped, as the ledger would. */
export function realise(intents: Intent[], startMs = Date.UTC(2030, 0, 1)): LoggedEvent[] {
  const streams = new Map<string, MeasureStream>();
  const events: LoggedEvent[] = [];
  let recordMs = startMs;
  for (const [index, intent] of intents.entries()) {
    const measureId = intent.kind === 'command' ? intent.command.measureId : intent.measureId;
    const state = streams.get(measureId) ?? initialState(measureId);
    let command: LedgerCommand | undefined;
    if (intent.kind === 'command') command = intent.command;
    else if (intent.kind === 'renew') command = renewal(state, intent);
    else if (intent.kind === 'restore') command = restoration(state, intent);
    else if (state.recorded.length) {
      // Seldom the imposition: retracting it ends the measure's history.
      const candidates = state.recorded.length > 1 && intent.pick % 10 !== 0 ? state.recorded.slice(1) : state.recorded;
      const target = candidates[candidates.length - 1 - (intent.pick % candidates.length)]!;
      command =
        intent.kind === 'retract'
          ? { type: 'RetractEntry', measureId, eventId: target.eventId, reason: 'generated' }
          : {
              type: 'CorrectEntry',
              measureId,
              eventId: target.eventId,
              reason: 'generated',
              replacement: corrected(target.data as never, intent) as never,
            };
    }
    if (!command) continue;
    const decision = decide(command, state);
    if (decision.rejection) continue;
    // Some consecutive events share a record time, as the events of one append would.
    if (index % 3 !== 0) recordMs += 60_000;
    const event: LoggedEvent = {
      streamId: `measure-${measureId}`,
      eventId: randomUUID(),
      type: decision.events[0]!.type,
      data: decision.events[0]!.data,
      revision: BigInt(state.revision + 1),
      position: BigInt(events.length + 1),
      recordedAt: new Date(recordMs).toISOString(),
    };
    events.push(event);
    streams.set(measureId, evolve(state, uncheckedFactOf(event)));
  }
  return events;
}

const impositionIntent: fc.Arbitrary<Intent> = imposition.map((command) => ({
  kind: 'command' as const,
  command: command,
}));

/** Histories open with a few impositions, so that most later commands find their measure. */
export const historyArbitrary = fc
  .tuple(
    fc.array(impositionIntent, { minLength: 1, maxLength: 3 }),
    fc.array(intent, { minLength: 14, maxLength: 46, size: 'max' }),
  )
  .map(([opening, rest]) => realise([...opening, ...rest]));
