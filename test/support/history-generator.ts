/**
 * Random but valid ledger histories for property tests: random command
 * intents over a few measures, subjects and categories, kept when the decider
 * accepts them. Valid dates are drawn independently of record order, so late
 * records, retroactive dates, overlapping exemptions, corrections and
 * retractions all occur; so do licences renewed days after they ended (or at
 * the very instant), exemptions narrowed then broadened again, corrections of
 * an event already corrected, retractions of amendments and of corrections,
 * subjects removed and added again, grants and announcements that were amended,
 * revoked, withdrawn or enacted retracted as mistakes and their ids given
 * again, announcements never enacted, open-ended
 * and bounded measures, and categories three deep.
 *
 * By default never produced (each would need the suites that assume it to change):
 * instants off a day boundary (the feed and report suites step day by day),
 * instants written with an offset or as a bare date (the decider takes them
 * normalised; the parsing is not exercised here), record times near the valid
 * times they concern (suites interleave them themselves), more than two
 * measures, exemptions or announcements per history, citations and sources.
 * `historiesOf(WIDE)` (`wideHistoryArbitrary`) produces all of these: each oracle suite holds its answer to the
 * oracle over both shapes, asking at the histories' own instants.
 */
import fc from 'fast-check';
import type { LedgerCommand } from '../../src/domain/messages.js';
import { CategorySet } from '../../src/domain/categories.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { DAY, EPOCH, imposition, realise, type Intent } from './history-realise.js';

export { DAY, EPOCH, imposition, realise, type Intent };

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
/** Affiliates a measure names all at once (the 2019 listing added 46), besides the subjects the suites ask about. */
export const AFFILIATES = Array.from({ length: 46 }, (_, i) => `aff-${String(i + 1).padStart(2, '0')}`);
export const DAYS = 40;

/** What a history may hold beyond the default shape (see `WIDE`); every option left out keeps the default. */
export interface HistoryOptions {
  /** Measures, exemptions per measure and announcements per measure: ids drawn among this many (default 2 each). */
  measures?: number;
  exemptions?: number;
  announcements?: number;
  /** Valid instants at any millisecond of a day (often a few shared times of day, so that they coincide). */
  anyMillisecond?: boolean;
  /** Instants written as clients write them (offsets, bare dates, 0 to 9 fraction digits), read by the ledger's parser. */
  written?: boolean;
  /** Record times among the valid times: each within a day of an instant its event names, often exactly at it. */
  recordedNearValidTimes?: boolean;
  /** Citations, sources (with their publication instants) and notes on commands, changed by some corrections. */
  provenance?: boolean;
  /** Subject lists that sometimes name the 46 affiliates too. */
  affiliates?: boolean;
}

/** Histories as real ones are: 4 measures, 4 exemptions and announcements each, odd instants written with offsets. */
export const WIDE: HistoryOptions = {
  measures: 4,
  exemptions: 4,
  announcements: 4,
  anyMillisecond: true,
  written: true,
  recordedNearValidTimes: true,
  provenance: true,
  affiliates: true,
};

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

// Unbiased: fast-check otherwise favours small values, bunching every date at the start.
const day = fc.noBias(fc.integer({ min: 0, max: DAYS - 1 }));
const some = <T>(values: T[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Times of day that recur across a history, so that odd instants coincide: 1 ms in, 16:15-04:00, 00:00+05:30, … */
const SHARED_TIMES = [1, DAY - 1, 20.25 * 3_600_000, 18.5 * 3_600_000, 14 * 3_600_000, 45_296_789];

/** The intents of histories with these options. */
function intentsOf(options: HistoryOptions) {
  const MEASURES = ids('m', options.measures ?? 2);
  const EXEMPTIONS = ids('e', options.exemptions ?? 2);
  const ANNOUNCEMENTS = ids('a', options.announcements ?? 2);
  /** An instant in ms after EPOCH: a whole day, or with `anyMillisecond` any time of it. */
  const instant = options.anyMillisecond
    ? fc
        .tuple(
          day,
          fc.oneof(fc.constant(0), fc.constantFrom(...SHARED_TIMES), fc.noBias(fc.integer({ min: 0, max: DAY - 1 }))),
        )
        .map(([d, time]) => d * DAY + time)
    : day.map((d) => d * DAY);
  /** A length of time from `min` to `max` days: whole days, or with `anyMillisecond` sometimes a few ms or days and ms. */
  const span = (min: number, max: number) => {
    const days = fc.integer({ min, max }).map((d) => d * DAY);
    if (!options.anyMillisecond) return days;
    return fc.oneof(
      days,
      fc.tuple(days, fc.integer({ min: 0, max: DAY - 1 })).map(([d, ms]) => d + ms),
      fc.integer({ min: 1, max: 1000 }),
    );
  };
  const iso = (ms: number) => new Date(EPOCH + ms).toISOString();
  const subjectList = options.affiliates
    ? fc.oneof(
        { weight: 4, arbitrary: some(SUBJECTS) },
        { weight: 1, arbitrary: some(SUBJECTS).map((s) => [...s, ...AFFILIATES]) },
      )
    : some(SUBJECTS);
  const window = fc.tuple(instant, maybe(span(1, 20)));
  const enacts = maybe(fc.constantFrom(...ANNOUNCEMENTS));

  const imposition = fc
    .record({ m: fc.constantFrom(...MEASURES), s: subjectList, c: some(UNIVERSE), w: window, ann: maybe(instant) })
    .map(({ m, s, c, w, ann }) => ({
      type: 'ImposeRestriction' as const,
      measureId: m,
      title: 't',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: s,
      categories: c,
      effectiveFrom: iso(w[0]),
      ...(w[1] ? { effectiveUntil: iso(w[0] + w[1] + 25 * DAY) } : {}),
      ...(ann !== undefined ? { announcedAt: iso(Math.min(ann, w[0])) } : {}),
    }));

  const grantIntent = fc
    .record({
      m: fc.constantFrom(...MEASURES),
      e: fc.constantFrom(...EXEMPTIONS),
      c: some(UNIVERSE),
      s: maybe(subjectList),
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
      d: instant,
      until: maybe(span(1, 25)),
      ac: maybe(some(UNIVERSE)),
      rc: maybe(some(UNIVERSE)),
      as: maybe(subjectList),
      rs: maybe(subjectList),
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
        .record({ m: fc.constantFrom(...MEASURES), s: subjectList, d: instant, add: fc.boolean(), en: enacts })
        .map(({ m, s, d, add, en }) => ({
          type: add ? ('AddSubjects' as const) : ('RemoveSubjects' as const),
          measureId: m,
          subjects: s,
          effectiveFrom: iso(d),
          ...(en ? { enacts: en } : {}),
        })),
      fc.record({ m: fc.constantFrom(...MEASURES), c: some(UNIVERSE), d: instant }).map(({ m, c, d }) => ({
        type: 'BroadenScope' as const,
        measureId: m,
        categories: c,
        effectiveFrom: iso(d),
      })),
      fc
        .record({
          m: fc.constantFrom(...MEASURES),
          remove: maybe(some(UNIVERSE)),
          narrowTo: maybe(some(UNIVERSE)),
          d: instant,
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
          d: instant,
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
      fc
        .record({ m: fc.constantFrom(...MEASURES), a: fc.constantFrom(...ANNOUNCEMENTS), d: instant })
        .map(({ m, a, d }) => ({
          type: 'WithdrawAnnouncement' as const,
          measureId: m,
          announcementId: a,
          withdrawnAt: iso(d),
        })),
      amendment,
      amendment,
      grantIntent,
      grantIntent,
      fc
        .record({ m: fc.constantFrom(...MEASURES), e: fc.constantFrom(...EXEMPTIONS), d: instant })
        .map(({ m, e, d }) => ({
          type: 'RevokeExemption' as const,
          measureId: m,
          exemptionId: e,
          effectiveFrom: iso(d),
        })),
      // Lifts come late, so that measures have a life before them.
      fc.record({ m: fc.constantFrom(...MEASURES), d: instant, en: enacts }).map(({ m, d, en }) => ({
        type: 'LiftRestriction' as const,
        measureId: m,
        effectiveFrom: iso((DAYS / 2) * DAY + d),
        ...(en ? { enacts: en } : {}),
      })),
    )
    .map((command) => ({ kind: 'command' as const, command: command }));

  const odd = (arb: fc.Arbitrary<number>) => (options.anyMillisecond ? maybe(arb) : fc.constant(undefined));
  const intent: fc.Arbitrary<Intent> = fc.oneof(
    { weight: 10, arbitrary: commandIntent },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.record({
            kind: fc.constant('renew' as const),
            measureId: fc.constantFrom(...MEASURES),
            pick: fc.nat(),
            gap: fc.integer({ min: 0, max: 6 }),
            days: fc.integer({ min: 3, max: 20 }),
          }),
          odd(fc.integer({ min: 0, max: DAY - 1 })),
        )
        .map(([renew, gapMs]) => (gapMs === undefined ? renew : { ...renew, gapMs })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.record({
            kind: fc.constant('restore' as const),
            measureId: fc.constantFrom(...MEASURES),
            pick: fc.nat(),
            after: fc.integer({ min: 1, max: 10 }),
          }),
          odd(fc.integer({ min: 0, max: DAY - 1 })),
        )
        .map(([restore, afterMs]) => (afterMs === undefined ? restore : { ...restore, afterMs })),
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
      arbitrary: fc
        .tuple(
          fc.record({
            kind: fc.constant('correct' as const),
            measureId: fc.constantFrom(...MEASURES),
            pick: fc.nat(),
            shift: fc.integer({ min: -5, max: 5 }),
            categories: maybe(some(UNIVERSE)),
            subjects: maybe(some(SUBJECTS)),
          }),
          odd(fc.integer({ min: -DAY, max: DAY })),
          options.provenance
            ? maybe(fc.nat({ max: 99 }).map((n) => `corrected citation ${n}`))
            : fc.constant(undefined),
        )
        .map(([correct, shiftMs, citation]) => ({
          ...correct,
          ...(shiftMs === undefined ? {} : { shiftMs }),
          ...(citation === undefined ? {} : { citation }),
        })),
    },
  );
  const impositionIntent: fc.Arbitrary<Intent> = imposition.map((command) => ({
    kind: 'command' as const,
    command: command,
  }));
  return { intent, impositionIntent };
}

/** The intents of a history: a few impositions first, so that most later commands find their measure. */
function intentListsOf(options: HistoryOptions) {
  const { intent, impositionIntent } = intentsOf(options);
  const wide = (options.measures ?? 2) > 2;
  return fc
    .tuple(
      fc.array(impositionIntent, { minLength: wide ? 2 : 1, maxLength: wide ? options.measures! : 3 }),
      fc.array(intent, { minLength: wide ? 24 : 14, maxLength: wide ? 70 : 46, size: 'max' }),
    )
    .map(([opening, rest]) => [...opening, ...rest]);
}

/** Random valid histories with these options; every option left out keeps the default shape. */
export function historiesOf(options: HistoryOptions = {}): fc.Arbitrary<LoggedEvent[]> {
  const intents = intentListsOf(options);
  const { written, provenance, recordedNearValidTimes } = options;
  if (!written && !provenance && !recordedNearValidTimes) return intents.map((list) => realise(list));
  return fc
    .tuple(intents, fc.nat())
    .map(([list, seed]) => realise(list, undefined, { written, provenance, recordedNearValidTimes, seed }));
}

export const historyArbitrary = historiesOf();

/**
 * Record times moved onto day boundaries among the valid dates (plus `offsetMs`), so that records and the instants
 * they name interleave and sometimes coincide: default histories record everything in 2030, after every instant.
 */
export function interleaved(events: LoggedEvent[], offsetMs = 0): LoggedEvent[] {
  let rank = -1;
  let previous = '';
  return events.map((event) => {
    if (event.recordedAt !== previous) rank++;
    previous = event.recordedAt;
    return { ...event, recordedAt: new Date(EPOCH + Math.round((rank - 2) * 2.5) * DAY + offsetMs).toISOString() };
  });
}

/** Histories as real ones are (`WIDE`): more measures, exemptions and announcements, odd instants, offsets, provenance. */
export const wideHistoryArbitrary = historiesOf(WIDE);

/** A valid time in a history's span: a whole day (where a default history's events take effect) or any millisecond. */
export const validTime = fc.oneof(
  fc.noBias(fc.integer({ min: -1, max: DAYS + 25 })).map((d) => EPOCH + d * DAY),
  fc.noBias(fc.integer({ min: -1 * DAY, max: (DAYS + 25) * DAY })).map((offset) => EPOCH + offset),
);

/** The two shapes of history each oracle suite holds its answer to, the default and `WIDE`, by name. */
export const HISTORIES = { default: historyArbitrary, wide: wideHistoryArbitrary };

/** The commands of wide histories as clients wrote them (offsets, bare dates, provenance), beside the commands meant and the events they appended. */
export const writtenCommandsArbitrary = fc.tuple(intentListsOf(WIDE), fc.nat()).map(([list, seed]) => {
  const seen: { text: LedgerCommand; meant: LedgerCommand; event: LoggedEvent }[] = [];
  realise(list, undefined, { ...WIDE, seed, seen: (text, meant, event) => seen.push({ text, meant, event }) });
  return seen;
});

/** Instants on day boundaries and between them, before, inside and after the generated histories' dates. */
const windowInstant = fc.oneof(
  fc.noBias(fc.integer({ min: -2, max: DAYS + 50 })).map((d) => EPOCH + d * DAY),
  fc.noBias(fc.integer({ min: -2 * 24, max: (DAYS + 50) * 24 })).map((h) => EPOCH + h * 3_600_000),
);

/** A window [from, to) for a timeline or a replay, either end open (undefined), `from` before `to`. */
export const windowArbitrary = fc
  .tuple(fc.option(windowInstant, { nil: undefined }), fc.option(windowInstant, { nil: undefined }))
  .filter(([from, to]) => from === undefined || to === undefined || from < to);
