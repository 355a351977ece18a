/**
 * A synthetic ledger for benchmarks: measures of about `eventsPerMeasure`
 * events each (subjects added and removed, scope broadened and narrowed,
 * exemptions granted and amended, announcements, corrections, retractions),
 * over a pool of subjects, so that every subject sits in a few measures
 * whatever the ledger's size. Valid by construction; generated, not decided,
 * so that a million events take seconds.
 */
import { v5 as uuidv5 } from 'uuid';
import type { LoggedEvent } from '../src/domain/recorded-fact.js';

const NAMESPACE = '0f9d7c1e-3b2a-4d5c-8e6f-7a8b9c0d1e2f';
const DAY = 86_400_000;
const START = Date.UTC(2015, 0, 1);

export interface LedgerShape {
  measures: number;
  subjects: number;
  eventsPerMeasure: number;
}

/** The ledgers the benchmarks run on: 10k and 100k events, and 1M unless quick. */
export function benchSizes(quick: boolean): (LedgerShape & { label: string })[] {
  return [
    { label: '10k', measures: 100, subjects: 500, eventsPerMeasure: 100 },
    { label: '100k', measures: 1_000, subjects: 5_000, eventsPerMeasure: 100 },
    ...(quick ? [] : [{ label: '1M', measures: 10_000, subjects: 50_000, eventsPerMeasure: 100 }]),
  ];
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same ledger. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Events of one measure, in record order, without positions. */
function measureEvents(
  index: number,
  shape: LedgerShape,
  rnd: () => number,
): Omit<LoggedEvent, 'position' | 'recordedAt'>[] {
  const measureId = `m${index}`;
  const pick = () => `s${Math.floor(rnd() * shape.subjects)}`;
  const from = START + Math.floor(rnd() * 3000) * DAY;
  const day = (n: number) => iso(from + n * DAY);
  const subjects = new Set<string>();
  while (subjects.size < 5) subjects.add(pick());
  const events: Omit<LoggedEvent, 'position' | 'recordedAt'>[] = [];
  const push = (type: string, data: Record<string, unknown>) =>
    events.push({
      streamId: `measure-${measureId}`,
      eventId: uuidv5(`${measureId}/${events.length}`, NAMESPACE),
      type,
      data: { measureId, ...data },
      revision: BigInt(events.length),
    });
  push('RestrictionImposed', {
    title: `Measure ${index}`,
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: [...subjects],
    categories: ['exports', 'services/finance'],
    effectiveFrom: day(0),
    citation: `${index} FR ${index % 997}`,
  });
  for (let block = 0; events.length < shape.eventsPerMeasure; block++) {
    const t = 10 + block * 20;
    const added = pick();
    subjects.add(added);
    const steps: [string, Record<string, unknown>][] = [
      ['SubjectsAdded', { subjects: [added], effectiveFrom: day(t) }],
      [
        'ExemptionGranted',
        {
          exemptionId: `e${block}`,
          title: `Licence ${block}`,
          categories: [`exports/c${block % 7}`],
          effectiveFrom: day(t),
          effectiveUntil: day(t + 30),
        },
      ],
      [
        'ExemptionAmended',
        {
          exemptionId: `e${block}`,
          effectiveFrom: day(t + 20),
          effectiveUntil: day(t + 60),
          removeCategories: [`exports/c${block % 7}/x`],
        },
      ],
      ['ScopeBroadened', { categories: [`services/s${block % 5}`], effectiveFrom: day(t + 1) }],
      [
        'ScopeNarrowed',
        { remove: [`exports/c${block % 7}/y`], effectiveFrom: day(t + 2), citation: `narrowing ${block}` },
      ],
      [
        'EasingAnnounced',
        {
          announcementId: `a${block}`,
          statement: 'Easing under consideration',
          announcedAt: day(t + 3),
          categories: ['exports'],
        },
      ],
      ['SubjectsRemoved', { subjects: [added], effectiveFrom: day(t + 15) }],
      [
        'EntryCorrected',
        { eventId: '', reason: 'date', replacement: { measureId, subjects: [added], effectiveFrom: day(t + 1) } },
      ],
      ['EntryRetracted', { eventId: '', reason: 'mistake' }],
      ['AnnouncementWithdrawn', { announcementId: `a${block}`, withdrawnAt: day(t + 10) }],
    ];
    const blockStart = events.length;
    for (const [type, data] of steps) {
      if (events.length >= shape.eventsPerMeasure) break;
      // the correction replaces this block's SubjectsAdded; the retraction takes back its ScopeBroadened
      if (type === 'EntryCorrected') data.eventId = events[blockStart]!.eventId;
      if (type === 'EntryRetracted') data.eventId = events[blockStart + 3]!.eventId;
      push(type, data);
    }
  }
  return events;
}

/**
 * The whole ledger in record order. Measures are interleaved (each step takes
 * the next event of a random measure), as real histories are. `firstMeasure`
 * numbers the measures from there, so that ledgers generated in parts do not share one.
 */
export function generateLedger(shape: LedgerShape, seed = 1, firstMeasure = 0): LoggedEvent[] {
  const rnd = random(seed);
  const perMeasure = Array.from({ length: shape.measures }, (_, i) => measureEvents(firstMeasure + i, shape, rnd));
  const cursors = new Array<number>(shape.measures).fill(0);
  const open = perMeasure.map((_, i) => i);
  const ledger: LoggedEvent[] = [];
  const recordStart = Date.UTC(2025, 0, 1);
  while (open.length) {
    const slot = Math.floor(rnd() * open.length);
    const measure = open[slot]!;
    const event = perMeasure[measure]![cursors[measure]!++]!;
    ledger.push({ ...event, position: BigInt(ledger.length + 1), recordedAt: iso(recordStart + ledger.length * 10) });
    if (cursors[measure] === perMeasure[measure]!.length) {
      open[slot] = open[open.length - 1]!;
      open.pop();
    }
  }
  return ledger;
}
