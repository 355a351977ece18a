/**
 * Fuzzing `regledger import` in process: files of valid commands, NDJSON or a JSON array, with one command made
 * hostile (a field set to null, a wrong type, a huge number, an instant out of range, text that is not Unicode, a
 * value nested past the limit; a key unknown, prototype-named or given twice; a line that is no command at all).
 * Each is refused whole with exit code 2, naming the line (and the field, where one is at fault), and nothing is
 * written, not even the valid commands before it. Well-formed files, keys in any order, are imported whole.
 *
 * Runs (about 50 ms each after the first): 120 hostile files, 12 well-formed ones.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import {
  deeplyNested,
  EXTREME_INSTANTS,
  ID_SHAPE,
  instantVerdict,
  loneSurrogateText,
  NASTY_STRINGS,
  PROTOTYPE_KEYS,
  prototypeObject,
} from '../support/fuzz-arbitraries.js';
import { tempDir } from '../support/temp-dir.js';

type Command = Record<string, unknown>;

/** Valid commands on one measure, each accepted after those before it. */
function validCommands(subjects: string[], title: string): Command[] {
  return [
    {
      type: 'ImposeRestriction',
      measureId: 'm',
      title,
      jurisdiction: 'US',
      authority: 'BIS',
      subjects,
      categories: ['exports'],
      effectiveFrom: '2019-05-16T16:15:00-04:00',
      citation: '84 FR 22961',
      sources: [{ url: 'https://example.org/84-fr-22961', title: 'Addition', publishedAt: '2019-05-21' }],
    },
    { type: 'AddSubjects', measureId: 'm', subjects: ['late'], effectiveFrom: '2019-08-19' },
    { type: 'BroadenScope', measureId: 'm', categories: ['services'], effectiveFrom: '2019-09-01' },
    {
      type: 'AnnounceEasing',
      measureId: 'm',
      announcementId: 'g20',
      statement: 'Sales may resume',
      announcedAt: '2019-06-29',
      categories: ['exports'],
    },
    {
      type: 'GrantExemption',
      measureId: 'm',
      exemptionId: 'tgl',
      title: 'Temporary general licence',
      categories: ['exports/maintenance'],
      effectiveFrom: '2019-08-01',
      effectiveUntil: '2019-09-01',
      note: 'renewed monthly',
    },
    { type: 'RemoveSubjects', measureId: 'm', subjects: ['late'], effectiveFrom: '2019-10-01' },
  ];
}

const INSTANT_FIELDS = new Set(['effectiveFrom', 'effectiveUntil', 'announcedAt']);
const ID_FIELDS = new Set(['measureId', 'announcementId', 'exemptionId']);
const LIST_FIELDS = new Set(['subjects', 'categories']);

/** Every field some command may hold (DOMAIN.md): a key among them may be valid on some command. */
const FIELDS_OF_ANY_COMMAND = new Set(
  [
    'type measureId title jurisdiction authority subjects categories effectiveFrom effectiveUntil announcedAt remove',
    'narrowTo announcementId statement withdrawnAt exemptionId addCategories removeCategories addSubjects',
    'removeSubjects eventId reason replacement commandId expectedRevision citation sources publishedAt note enacts',
  ]
    .join(' ')
    .split(' '),
);

const json = (value: unknown) => JSON.stringify(value);

/** Values of another JSON type than any field of a command holds, and numbers no field takes. */
const WRONG_ANYWHERE = [
  'null',
  'true',
  '0',
  '1.5',
  '1e400',
  '-1e400',
  '9223372036854775808',
  '123456789012345678901234567890',
  '{}',
  '{"__proto__":{"polluted":true}}',
];

/** A raw JSON value the contract refuses in the field, whatever its command. */
function invalidValueFor(field: string): fc.Arbitrary<string> {
  const anywhere = fc.oneof(
    fc.constantFrom(...WRONG_ANYWHERE),
    prototypeObject.map((p) => p.json),
  );
  if (field === 'sources')
    return fc.oneof(anywhere, fc.constantFrom('"x"', '[null]', '[1]', '[{"url":"not a url"}]', '[{"__proto__":1}]'));
  if (LIST_FIELDS.has(field))
    return fc.oneof(
      anywhere,
      fc.constantFrom('[]', '[null]', '[1]', '"exports"', '[["exports"]]', '["Not Valid"]', '["a","a"]'),
      loneSurrogateText.map((s) => json([s])),
    );
  const text = fc.oneof(anywhere, fc.constantFrom('[]', '["x"]', '""'), loneSurrogateText.map(json));
  if (INSTANT_FIELDS.has(field))
    return fc.oneof(
      text,
      fc.constantFrom(...EXTREME_INSTANTS.filter((s) => instantVerdict(s) === 'invalid')).map(json),
    );
  if (ID_FIELDS.has(field) || field === 'type')
    return fc.oneof(text, fc.constantFrom(...NASTY_STRINGS.filter((s) => !ID_SHAPE.test(s)), 'A', 'm m').map(json));
  return fc.oneof(text, fc.constant(json('a'.repeat(5_000))));
}

/** One hostile change to a command, as the raw members of its object, and the field it is about (none: the line). */
interface Hostile {
  members: (command: Command) => [string, string][] | string;
  field?: (command: Command) => string;
  label: string;
}

const membersOf = (command: Command): [string, string][] => Object.entries(command).map(([k, v]) => [k, json(v)]);
const fieldAt = (command: Command, index: number) => Object.keys(command)[index % Object.keys(command).length]!;

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  // A field set to a value it may not hold (a field the command lacks: one of its own instead).
  fc
    .tuple(fc.constantFrom(...new Set(validCommands(['a'], 't').flatMap((c) => Object.keys(c)))), fc.nat())
    .chain(([field, index]) => invalidValueFor(field).map((value) => ({ field, value, index })))
    .map(({ field, value, index }) => {
      const target = (command: Command) => (field in command ? field : fieldAt(command, index));
      return {
        members: (command: Command) =>
          membersOf(command).map(([k, v]): [string, string] => [k, k === target(command) ? value : v]),
        field: target,
        label: `${field} = ${value.slice(0, 60)}`,
      };
    }),
  // A field nested past the limit: the whole line is refused (the depth is checked before the fields are read).
  fc
    .tuple(
      fc.nat(),
      fc.integer({ min: 17, max: 3_000 }),
      fc.constantFrom<('array' | 'object' | 'proto')[]>('array', 'object', 'proto'),
    )
    .map(([index, depth, kind]) => ({
      members: (command: Command) =>
        membersOf(command).map(([k, v]): [string, string] => [
          k,
          k === fieldAt(command, index) ? deeplyNested(depth, kind).json : v,
        ]),
      label: `a field nested ${depth} deep (${kind})`,
    })),
  // A key no command has, prototype-named or not.
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...PROTOTYPE_KEYS, 'colour', 'Type', 'measureid', '$where', 'effective_from'),
        fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/),
      ),
      fc.oneof(
        fc.constantFrom('null', '1', '"x"', '{}', '[]', '1e400'),
        prototypeObject.map((p) => p.json),
      ),
    )
    .filter(([key]) => !FIELDS_OF_ANY_COMMAND.has(key))
    .map(([key, value]) => ({
      members: (command: Command) => [...membersOf(command), [key, value] as [string, string]],
      field: () => key,
      label: `unknown key ${key}`,
    })),
  // A key given twice (JSON.parse would keep the last unseen).
  fc.nat().map((index) => ({
    members: (command: Command) => {
      const members = membersOf(command);
      return [...members, members[index % members.length]!];
    },
    field: (command: Command) => fieldAt(command, index),
    label: 'a key given twice',
  })),
  // A line that holds no command.
  fc.constantFrom('null', '42', '"ImposeRestriction"', 'true', '[]', '[{}]', '1e400').map((line) => ({
    members: () => line,
    label: `the line ${line}`,
  })),
);

const objectText = (members: [string, string][]) => `{${members.map(([k, v]) => `${json(k)}:${v}`).join(',')}}`;

/** The file's text, and the line each command is on. */
function fileText(lines: string[], format: 'ndjson' | 'json'): { text: string; lineOf: (index: number) => number } {
  if (format === 'ndjson') return { text: `${lines.join('\n')}\n`, lineOf: (index) => index + 1 };
  return { text: `[\n${lines.join(',\n')}\n]\n`, lineOf: (index) => index + 2 };
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('fuzz/import-files', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
  });
  afterAll(() => dir.remove());

  it('refuses a file with one hostile command whole: exit 2, its line and field named, nothing written', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.constantFrom<('ndjson' | 'json')[]>('ndjson', 'json'),
        hostile,
        async (count, at, format, change) => {
          const commands = validCommands(['acme', 'acme-sub'], 'Entity List');
          const index = at % count;
          const lines = commands.slice(0, count).map((command, i) => {
            if (i !== index) return json(command);
            const members = change.members(command);
            return typeof members === 'string' ? members : objectText(members);
          });
          const { text, lineOf } = fileText(lines, format);
          const path = join(dir.path, `hostile-${file++}.${format}`);
          writeFileSync(path, text);
          const result = await runCli(['import', path], env);
          const line = `line ${lineOf(index)}`;
          const why = `${change.label} on ${line} of ${format}:\n${result.stderr}`;
          expect({ why, code: result.code }).toEqual({ why, code: 2 });
          expect({ why, line: new RegExp(`${line}(?![0-9])`).test(result.stderr) }).toEqual({ why, line: true });
          const field = change.field?.(commands[index]!);
          if (field !== undefined)
            expect({
              why,
              field: new RegExp(`${line}(: |\\.)${escaped(field)}(?=[ :.[]|$)`, 'm').test(result.stderr),
            }).toEqual({
              why,
              field: true,
            });
          expect((await runCli(['events'], env)).stdout).toBe('');
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('imports a well-formed file whole, whatever the order of its keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<('ndjson' | 'json')[]>('ndjson', 'json'),
        fc
          .uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), { minLength: 1, maxLength: 5 })
          .filter((s) => !s.includes('late')),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '' && s.length <= 500),
        fc.infiniteStream(fc.nat()),
        async (count, format, subjects, title, shuffles) => {
          const fresh = tempDir();
          try {
            const freshEnv = { LEDGER_DATA_DIR: fresh.path, LEDGER_DEMO: 'off' };
            const lines = validCommands(subjects, title)
              .slice(0, count)
              .map((command) => {
                const members = membersOf(command);
                for (let i = members.length - 1; i > 0; i--) {
                  const j = shuffles.next().value % (i + 1);
                  [members[i], members[j]] = [members[j]!, members[i]!];
                }
                return objectText(members);
              });
            const path = join(fresh.path, `good.${format}`);
            writeFileSync(path, fileText(lines, format).text);
            const result = await runCli(['import', path], freshEnv);
            expect({ stderr: result.stderr, code: result.code }).toEqual({ stderr: '', code: 0 });
            expect(result.stdout).toContain(`${count} commands, ${count} applied, 0 already in the ledger`);
            const events = (await runCli(['events', '--json'], freshEnv)).stdout.trim().split('\n');
            expect(events).toHaveLength(count);
          } finally {
            fresh.remove();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
