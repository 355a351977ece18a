/**
 * Fuzzing command bodies: one field of a valid command of every type (taken
 * from examples/huawei-2019.json, or the support history for the types it
 * lacks) replaced by a hostile value, removed, or joined by an unknown or
 * prototype-named key at some nesting level. Refused input is a 4xx in the
 * error shape with nothing written; never a 5xx, never a hang.
 *
 * Runs (about 5 ms each on 2 cores): 300 single commands, 150 batches (JSON or
 * NDJSON), 60 prototype-key placements, 180 raw bodies (duplicate keys among them).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { everyCommand, M } from '../support/commands.js';
import {
  CATEGORY_SHAPE,
  hostileJson,
  hostileKey,
  holdsLoneSurrogate,
  ID_SHAPE,
  instantVerdict,
  PROTOTYPE_KEYS,
  UUID_SHAPE,
  type RawJson,
  type Verdict,
} from '../support/fuzz-arbitraries.js';
import { commandFields, exampleCommands, exchange, startFuzzApp, writerHeaders, type FuzzApp } from './fuzz-http.js';

describe('fuzz/command-bodies', () => {
  let app: FuzzApp;
  /** A valid command of each type, by type. */
  let bases: Map<string, Record<string, unknown>>;
  let schemas: Record<string, Record<string, Record<string, unknown>>>;

  beforeAll(async () => {
    app = await startFuzzApp();
    const stream = (await app.send({ method: 'GET', path: `/v1/measures/${M}/events`, headers: writerHeaders }))
      .json as {
      events: { eventId: string }[];
    };
    const history = everyCommand((i) => stream.events[i]!.eventId).map((step) => step());
    bases = new Map();
    for (const command of [...exampleCommands(), ...history.slice(9), ...history])
      if (!bases.has(command.type as string)) bases.set(command.type as string, command);
    const body = app.openapi.paths['/v1/commands']!.post!.requestBody as {
      content: Record<string, { schema: { oneOf: { $ref: string }[] } }>;
    };
    const types = body.content['application/json']!.schema.oneOf.map((ref) =>
      ref.$ref.split('/').pop()!.replace(/Dto$/, ''),
    );
    for (const type of types)
      if (!bases.has(type)) throw new Error(`no valid ${type} command to mutate: add one to test/support/commands.ts`);
    schemas = Object.fromEntries(
      types.map((type) => [
        type,
        app.openapi.components.schemas[`${type}Dto`]!.properties as Record<string, Record<string, unknown>>,
      ]),
    );
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  type Kind =
    'instant' | 'id' | 'idList' | 'categoryList' | 'text' | 'uuid' | 'revision' | 'type' | 'sources' | 'object' | 'url';

  /** The rule of a field, read from its OpenAPI schema (generated from the same decorators that validate it). */
  function kindOf(name: string, schema: Record<string, unknown>): Kind {
    if (name === 'type') return 'type';
    if (name === 'sources') return 'sources';
    if (name === 'url') return 'url';
    if (schema.format === 'date-time') return 'instant';
    if (schema.format === 'uuid') return 'uuid';
    if (schema.type === 'number' || schema.type === 'integer') return 'revision';
    if (schema.type === 'object') return 'object';
    if (schema.type === 'array')
      return /categor|remove$|narrowTo/i.test(name) && !/Subjects/.test(name) ? 'categoryList' : 'idList';
    if (schema.pattern) return 'id';
    return 'text';
  }

  const isString = (v: unknown): v is string => typeof v === 'string';
  const listVerdict = (v: unknown, each: (s: string) => boolean): Verdict =>
    Array.isArray(v) && v.length > 0 && new Set(v).size === v.length && v.every((s) => isString(s) && each(s))
      ? 'valid'
      : 'invalid';
  /** Text the contract is silent about: NUL. */
  // eslint-disable-next-line no-control-regex -- NUL is the character looked for
  const oddText = (s: string) => /\u0000/.test(s);

  /** The contract's verdict on `value` in a field of `kind` (null is never a value, nor text that is not Unicode). */
  function fieldVerdict(kind: Kind, value: unknown, maxLength = 2000, commandType = ''): Verdict {
    if (value === null || holdsLoneSurrogate(value)) return 'invalid';
    switch (kind) {
      case 'instant':
        return instantVerdict(value);
      case 'id':
        return isString(value) && ID_SHAPE.test(value) ? 'valid' : 'invalid';
      case 'idList':
        return listVerdict(value, (s) => ID_SHAPE.test(s));
      case 'categoryList':
        return listVerdict(value, (s) => s.length <= 512 && CATEGORY_SHAPE.test(s));
      case 'uuid':
        return isString(value) && UUID_SHAPE.test(value) ? 'unsure' : 'invalid';
      case 'revision':
        return typeof value === 'number' && Number.isInteger(value) && value >= -1 ? 'unsure' : 'invalid';
      case 'type':
        return value === commandType ? 'valid' : isString(value) && bases.has(value) ? 'unsure' : 'invalid';
      case 'sources':
        return Array.isArray(value) ? (value.length === 0 ? 'unsure' : 'invalid') : 'invalid';
      case 'object':
        return typeof value === 'object' && !Array.isArray(value) ? 'unsure' : 'invalid';
      case 'url':
        return isString(value) && /^[a-z][a-z0-9+.-]*:\/\/[^\s/]+\.[^\s]+$/i.test(value) && value.length <= 2000
          ? 'unsure'
          : 'invalid';
      case 'text':
        if (!isString(value) || value.length < 1 || value.length > maxLength) return 'invalid';
        return oddText(value) ? 'unsure' : 'valid';
    }
  }

  const worst = (a: Verdict, b: Verdict): Verdict =>
    a === 'invalid' || b === 'invalid' ? 'invalid' : a === 'unsure' || b === 'unsure' ? 'unsure' : 'valid';

  /** JSON text of an object whose entries are already JSON text. */
  const objectText = (entries: [string, string][]) =>
    `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  const entriesOf = (o: Record<string, unknown>): [string, string][] =>
    Object.entries(o).map(([k, v]) => [k, JSON.stringify(v)]);
  const safeParse = (json: string): unknown => {
    try {
      return JSON.parse(json);
    } catch {
      return Symbol('unparseable');
    }
  };

  interface Mutation {
    type: string;
    /** What was done, for the counterexample. */
    what: string;
    json: string;
    verdict: Verdict;
  }

  const VALID_SOURCE = {
    url: 'https://www.federalregister.gov/d/2019-10616',
    title: 'Rule',
    publishedAt: '2019-05-21',
  };
  const SOURCE_SCHEMA: Record<string, [Kind, number]> = {
    url: ['url', 2000],
    title: ['text', 500],
    publishedAt: ['instant', 0],
  };

  /** One mutation of a valid command of `type`, with a fresh commandId so idempotency never answers for it. */
  const mutation = (type: string): fc.Arbitrary<Mutation> => {
    const base: Record<string, unknown> = { ...bases.get(type)!, commandId: randomUUID() };
    delete base.expectedRevision;
    const properties = schemas[type]!;
    const fields = Object.keys(properties);
    const setField = fc.tuple(fc.constantFrom(...fields), hostileJson).map(([field, value]): Mutation => {
      const schema = properties[field]!;
      const verdict = fieldVerdict(
        kindOf(field, schema),
        safeParse(value.json),
        (schema.maxLength as number) ?? 2000,
        type,
      );
      const entries = entriesOf(base).filter(([k]) => k !== field);
      return { type, what: `${field} = ${value.label}`, json: objectText([...entries, [field, value.json]]), verdict };
    });
    const required = commandFields(app.openapi, type).required;
    const removeField = fc.constantFrom(...fields.filter((f) => f in base)).map((field): Mutation => ({
      type,
      what: `without ${field}`,
      json: objectText(entriesOf(base).filter(([k]) => k !== field)),
      verdict: required.includes(field) ? 'invalid' : 'unsure',
    }));
    /** An unknown or prototype-named key: at the top, in a source, in a correction's replacement, or deeper. */
    const addKey = fc
      .tuple(hostileKey, hostileJson, fc.constantFrom('top', 'source', 'replacement', 'replacement.sources'))
      .filter(
        ([key, , level]) =>
          !(
            key in
            (level === 'top'
              ? properties
              : level === 'source'
                ? SOURCE_SCHEMA
                : ((bases.get(type)!.replacement as object) ?? {}))
          ),
      )
      .filter(([key]) => key !== 'commandId' && key !== 'expectedRevision' && !fields.includes(key))
      .map(([key, value, level]): Mutation => {
        const sourceWith = `[${objectText([...entriesOf(VALID_SOURCE), [key, value.json]])}]`;
        let entries = entriesOf(base);
        if (level === 'top') entries = [...entries, [key, value.json]];
        else if (level === 'source') entries = [...entries.filter(([k]) => k !== 'sources'), ['sources', sourceWith]];
        else if (typeof base.replacement === 'object') {
          const replacement = entriesOf(base.replacement as Record<string, unknown>);
          const inner =
            level === 'replacement'
              ? [...replacement, [key, value.json] as [string, string]]
              : [...replacement.filter(([k]) => k !== 'sources'), ['sources', sourceWith] as [string, string]];
          entries = [...entries.filter(([k]) => k !== 'replacement'), ['replacement', objectText(inner)]];
        } else entries = [...entries, [key, value.json]];
        return {
          type,
          what: `${level === 'top' || typeof base.replacement !== 'object' ? '' : `${level}.`}${level === 'source' ? 'sources[0].' : ''}${JSON.stringify(key)} = ${value.label}`,
          json: objectText(entries),
          verdict: 'invalid',
        };
      });
    const setSourceField = fc
      .tuple(fc.constantFrom(...Object.keys(SOURCE_SCHEMA)), hostileJson)
      .map(([field, value]): Mutation => {
        const [kind, max] = SOURCE_SCHEMA[field]!;
        const source = objectText([...entriesOf(VALID_SOURCE).filter(([k]) => k !== field), [field, value.json]]);
        const entries = [
          ...entriesOf(base).filter(([k]) => k !== 'sources'),
          ['sources', `[${source}]`] as [string, string],
        ];
        return {
          type,
          what: `sources[0].${field} = ${value.label}`,
          json: objectText(entries),
          verdict: fieldVerdict(kind, safeParse(value.json), max),
        };
      });
    return fc.oneof(
      { arbitrary: setField, weight: 5 },
      { arbitrary: removeField, weight: 1 },
      { arbitrary: addKey, weight: 3 },
      { arbitrary: setSourceField, weight: 2 },
    );
  };

  const anyMutation = () => fc.constantFrom(...bases.keys()).chain(mutation);

  describe('fuzzing command bodies', () => {
    it('POST /v1/commands: one field made hostile is refused with a 4xx, nothing written; never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(anyMutation(), async (m) => {
          await exchange(
            app,
            { method: 'POST', path: '/v1/commands', headers: writerHeaders, body: m.json },
            m.verdict,
            {
              writes: true,
            },
          );
        }),
        { numRuns: 300 },
      );
    }, 120_000);

    it('POST /v1/commands/batch: a hostile command after a valid one refuses the whole batch, nothing written', async () => {
      const valid = () =>
        JSON.stringify({
          type: 'AddSubjects',
          commandId: randomUUID(),
          measureId: M,
          subjects: [`s-${randomUUID()}`],
          effectiveFrom: '2020-01-01',
        });
      await fc.assert(
        fc.asyncProperty(anyMutation(), fc.boolean(), async (m, ndjson) => {
          const body = ndjson ? `${valid()}\n${m.json.replace(/\n/g, '\\n')}\n` : `[${valid()},${m.json}]`;
          const headers = { ...writerHeaders, 'Content-Type': ndjson ? 'application/x-ndjson' : 'application/json' };
          await exchange(
            app,
            { method: 'POST', path: '/v1/commands/batch', headers, body },
            worst('valid', m.verdict),
            {
              writes: true,
              partialWrites: true,
            },
          );
        }),
        { numRuns: 150 },
      );
    }, 120_000);

    it('prototype keys at every nesting level of a command are refused, nothing written', async () => {
      const levels = (key: string, value: string) => {
        const impose = entriesOf({ ...bases.get('ImposeRestriction')!, commandId: randomUUID() });
        return [
          objectText([...impose, [key, value]]),
          objectText([
            ...impose.filter(([k]) => k !== 'sources'),
            ['sources', `[${objectText([...entriesOf(VALID_SOURCE), [key, value]])}]`],
          ]),
          objectText([...impose.filter(([k]) => k !== 'subjects'), ['subjects', `[${objectText([[key, value]])}]`]]),
          `[${objectText(impose)}]`,
          objectText([[key, objectText(impose)]]),
        ];
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...PROTOTYPE_KEYS),
          fc.constantFrom('{"type":"AddSubjects","polluted":true}', '"x"', 'null', '[]', '{}'),
          fc.nat(4),
          async (key, value, level) => {
            const body = levels(key, value)[level]!;
            await exchange(app, { method: 'POST', path: '/v1/commands', headers: writerHeaders, body }, 'invalid', {
              writes: true,
            });
          },
        ),
        { numRuns: 60 },
      );
      // Nothing leaked into the prototypes this process shares with the app.
      const leaked = ({} as Record<string, unknown>).polluted ?? (Object.prototype as Record<string, unknown>).type;
      if (leaked !== undefined) throw new Error(`Object.prototype was polluted: ${JSON.stringify(leaked)}`);
    }, 60_000);

    it('raw bodies: wrong JSON, wrong top-level values, deep nesting, bad Content-Type are a 4xx, nothing written', async () => {
      const command = JSON.stringify({
        ...bases.get('ImposeRestriction')!,
        commandId: randomUUID(),
        measureId: 'fuzz-raw',
      });
      const bodies: fc.Arbitrary<RawJson & { verdict: Verdict }> = fc.oneof(
        hostileJson.map((v) => ({ ...v, verdict: 'invalid' as const })),
        fc
          .constantFrom(
            '',
            '{',
            '{"type":',
            '{"a":1,}',
            "{'type':1}",
            '\ufeff{}',
            'nul',
            '{"type":"ImposeRestriction"}{}',
            command.slice(0, -1),
            `${command}\u0000`,
            // A key given twice: JSON.parse keeps the last; the ledger refuses both.
            command.replace('{', '{"type":"AddSubjects",'),
            command.replace('"subjects":', '"subjects":["z"],"subjects":'),
            `[${command.replace('"subjects":', '"subjects":["z"],"subjects":')}]`,
          )
          .map((json) => ({ json, label: JSON.stringify(json.slice(0, 60)), verdict: 'invalid' as const })),
      );
      const contentTypes: [string | undefined, Verdict][] = [
        ['application/json', 'invalid'],
        [undefined, 'invalid'],
        ['', 'invalid'],
        ['text/plain', 'invalid'],
        ['application/x-www-form-urlencoded', 'invalid'],
        ['multipart/form-data; boundary=x', 'invalid'],
        ['application/json; charset=utf-16', 'invalid'],
        ['application/json; charset=nonsense', 'invalid'],
        ['application/xml', 'invalid'],
        ['application/json, text/plain', 'unsure'],
        ['application/merge-patch+json', 'unsure'],
      ];
      await fc.assert(
        fc.asyncProperty(
          bodies,
          fc.constantFrom(...contentTypes),
          fc.constantFrom('/v1/commands', '/v1/commands/batch'),
          async (body, [contentType], path) => {
            await exchange(
              app,
              { method: 'POST', path, headers: { ...writerHeaders, 'Content-Type': contentType }, body: body.json },
              body.verdict,
              { writes: true },
            );
          },
        ),
        { numRuns: 150 },
      );
      // A valid command under a Content-Type that is not JSON is not taken as one.
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...contentTypes.slice(1)), async ([contentType, verdict]) => {
          const body = JSON.stringify({
            ...bases.get('AddSubjects')!,
            commandId: randomUUID(),
            measureId: M,
            subjects: [`ct-${randomUUID()}`],
          });
          await exchange(
            app,
            { method: 'POST', path: '/v1/commands', headers: { ...writerHeaders, 'Content-Type': contentType }, body },
            verdict,
            { writes: true },
          );
        }),
        { numRuns: 30 },
      );
    }, 120_000);
  });
});
