/**
 * Histories of two measures whose scopes and subjects change, for the properties that hold what decides a "not" to
 * the oracle (the default histories rarely hold such a pair), and the histories where it was found decided wrongly.
 */
import fc from 'fast-check';
import { DAY, EPOCH, imposition, realise, UNIVERSE, type Intent } from './history-generator.js';

const iso = (ms: number) => new Date(ms).toISOString();
/** Day n of the histories' calendar (day 0 is 2019-01-01), as commands write it. */
const dayOf = (n: number) => iso(EPOCH + n * DAY);
const command = (type: string, fields: Record<string, unknown>): Intent =>
  ({ kind: 'command', command: { type, ...fields } }) as Intent;

/**
 * Two measures of s1 and s2 whose scopes and subjects change: where one restricts part of a category and the other's
 * scope changes, what decides the other's "not" is read against the part left free, and only while it is in force
 * and names the subject. The default histories rarely hold such a pair.
 */
export const scopeAndSubjectHistories = fc
  .tuple(
    fc.array(
      fc.record({
        categories: fc.subarray(UNIVERSE, { minLength: 1, maxLength: 3 }),
        from: fc.integer({ min: 0, max: 20 }),
      }),
      { minLength: 2, maxLength: 2 },
    ),
    fc.array(
      fc.record({
        measureId: fc.constantFrom('m1', 'm2'),
        type: fc.constantFrom('NarrowScope', 'BroadenScope', 'AddSubjects', 'RemoveSubjects', 'NarrowTo'),
        categories: fc.subarray(UNIVERSE, { minLength: 1, maxLength: 2 }),
        subject: fc.constantFrom('s1', 's2'),
        day: fc.integer({ min: 0, max: 30 }),
      }),
      { minLength: 2, maxLength: 8 },
    ),
  )
  .map(([imposed, changes]) =>
    realise([
      ...imposed.map(({ categories, from }, i) =>
        imposition({ measureId: `m${i + 1}`, subjects: ['s1', 's2'], categories, effectiveFrom: dayOf(from) }),
      ),
      ...changes.map(({ measureId, type, categories, subject, day }) => {
        const effectiveFrom = dayOf(day);
        if (type === 'NarrowScope') return command(type, { measureId, remove: categories, effectiveFrom });
        if (type === 'NarrowTo') return command('NarrowScope', { measureId, narrowTo: categories, effectiveFrom });
        if (type === 'BroadenScope') return command(type, { measureId, categories, effectiveFrom });
        return command(type, { measureId, subjects: [subject], effectiveFrom });
      }),
    ]),
  );

/**
 * Histories found to decide a "not" wrongly (exports: x, chips: x/x, cars: x/y, imports: y): a narrowing or
 * broadening of a part another measure restricts cited for the free part; a narrowing before the measure is in force
 * cited; a broadening made while the subject is not named dated from; a narrowing of another part cited alongside.
 */
export const FOUND_NOTS: { name: string; intents: Intent[] }[] = [
  {
    name: 'narrowed twice, the later narrowing of what another measure restricts',
    intents: [
      imposition({ categories: ['y', 'x/x', 'x/y'] }),
      command('NarrowScope', { measureId: 'm1', remove: ['x/x'], effectiveFrom: dayOf(31) }),
      command('NarrowScope', { measureId: 'm1', remove: ['x/y'], effectiveFrom: dayOf(59) }),
      imposition({ measureId: 'm2', categories: ['x/y'] }),
    ],
  },
  {
    name: 'broadened twice, the earlier broadening to what another measure restricts',
    intents: [
      imposition({ categories: ['y'] }),
      command('BroadenScope', { measureId: 'm1', categories: ['x/y'], effectiveFrom: dayOf(151) }),
      command('BroadenScope', { measureId: 'm1', categories: ['x/x'], effectiveFrom: dayOf(212) }),
      imposition({ measureId: 'm2', categories: ['x/y'] }),
    ],
  },
  {
    name: 'narrowed before it is in force, broadened later',
    intents: [
      imposition({ categories: ['x', 'y'], effectiveFrom: dayOf(151) }),
      command('NarrowScope', { measureId: 'm1', remove: ['x/x'], effectiveFrom: dayOf(120) }),
      command('BroadenScope', { measureId: 'm1', categories: ['x/x'], effectiveFrom: dayOf(212) }),
    ],
  },
  {
    name: 'broadened while the subject is not named',
    intents: [
      imposition({ subjects: ['s1', 's2'], categories: ['x/y'] }),
      command('RemoveSubjects', { measureId: 'm1', subjects: ['s1'], effectiveFrom: dayOf(90) }),
      command('BroadenScope', { measureId: 'm1', categories: ['x/x'], effectiveFrom: dayOf(120) }),
      command('AddSubjects', { measureId: 'm1', subjects: ['s1'], effectiveFrom: dayOf(151) }),
    ],
  },
  {
    name: 'two narrowings at one instant, each of another part',
    intents: [
      imposition({ categories: ['x/x', 'x/y', 'y'] }),
      command('NarrowScope', { measureId: 'm1', remove: ['x/x'], effectiveFrom: dayOf(31) }),
      command('NarrowScope', { measureId: 'm1', remove: ['x/y'], effectiveFrom: dayOf(31) }),
    ],
  },
];
