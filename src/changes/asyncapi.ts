/**
 * The AsyncAPI 3 description of the two change feeds, served at /asyncapi.json.
 * Each event's `data` schema is the schema of the command that records it,
 * taken from the OpenAPI document (itself generated from the command DTOs),
 * without the command's envelope (type, commandId, expectedRevision).
 */
import { COMMAND_TYPES, EVENT_TYPE_OF, EVENT_TYPES, type CommandType } from '../domain/messages.js';

type Schema = Record<string, unknown>;

export interface AsyncApiOptions {
  /** The schemas of the OpenAPI document: the command DTOs, by class name, and what they refer to. */
  openApiSchemas: Record<string, unknown>;
  /** Where the server listens, from configuration. */
  host: string;
  port: number;
}

/** Fields of the command, not of the event it records. */
const ENVELOPE = ['type', 'commandId', 'expectedRevision'];
const DECIMAL = '^[0-9]+$';

const categorySet: Schema = {
  type: 'object',
  required: ['categories', 'except'],
  properties: {
    categories: { type: 'array', items: { type: 'string' } },
    except: { type: 'array', items: { type: 'string' } },
  },
};

const basisEntry: Schema = {
  type: 'object',
  required: ['eventId', 'type', 'position', 'recordedAt'],
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: EVENT_TYPES },
    position: { type: 'string', pattern: DECIMAL },
    recordedAt: { type: 'string', format: 'date-time' },
    citation: { type: 'string' },
  },
};

const cloudEventEnvelope: Schema = {
  type: 'object',
  required: [
    'specversion',
    'id',
    'source',
    'type',
    'subject',
    'time',
    'datacontenttype',
    'data',
    'ledgerposition',
    'streamrevision',
  ],
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', format: 'uuid', description: 'the event id' },
    source: { type: 'string', const: '/regledger' },
    type: { type: 'string', enum: EVENT_TYPES.map((t) => `org.regledger.${t}`) },
    subject: { type: 'string', description: 'the measure id' },
    time: { type: 'string', format: 'date-time', description: 'record time' },
    datacontenttype: { type: 'string', const: 'application/json' },
    data: { type: 'object', description: "the event's payload" },
    ledgerposition: { type: 'string', pattern: DECIMAL },
    streamrevision: { type: 'string', pattern: DECIMAL },
    effectivefrom: { type: 'string', format: 'date-time' },
    effectiveuntil: { type: 'string', format: 'date-time' },
  },
};

const commaList = (what: string) => ({ type: 'string', description: `comma-separated ${what}` });

/**
 * Limits a command must keep when it is recorded; the log may hold events
 * recorded under other limits (or imported), so a feed does not promise them.
 */
const INPUT_LIMITS = new Set([
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'pattern',
  'minimum',
  'maximum',
]);

/** OpenAPI 3.0 schema keywords that JSON Schema (AsyncAPI's default format) spells differently, without the input limits. */
function asJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (INPUT_LIMITS.has(key)) continue;
    if (key === 'example') out.examples = [value];
    else
      out[key] =
        key === 'properties'
          ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, asJsonSchema(v)]))
          : asJsonSchema(value);
  }
  return out;
}

/** The event's data: the command's schema without its envelope. */
function dataSchemaOf(command: Schema): Schema {
  const properties = { ...(command.properties as Schema) };
  for (const field of ENVELOPE) delete properties[field];
  const required = ((command.required as string[] | undefined) ?? []).filter((field) => !ENVELOPE.includes(field));
  return asJsonSchema({ type: 'object', required, properties }) as Schema;
}

const messageName = (command: CommandType) => EVENT_TYPE_OF[command];

export function asyncApiDocument({ openApiSchemas, host, port }: AsyncApiOptions) {
  const dataSchemas: Record<string, unknown> = {};
  const ledgerMessages: Record<string, unknown> = {};
  for (const command of COMMAND_TYPES) {
    const dto = openApiSchemas[`${command}Dto`] as Schema | undefined;
    if (!dto) throw new Error(`the OpenAPI document has no schema for ${command}Dto`);
    const event = EVENT_TYPE_OF[command];
    dataSchemas[`${event}Data`] = dataSchemaOf(dto);
    ledgerMessages[messageName(command)] = {
      name: event,
      title: `${event} as a CloudEvent 1.0 (SSE id: its ledger position)`,
      contentType: 'application/json',
      payload: {
        allOf: [
          { $ref: '#/components/schemas/CloudEvent' },
          {
            type: 'object',
            properties: {
              type: { const: `org.regledger.${event}` },
              data: { $ref: `#/components/schemas/${event}Data` },
            },
          },
        ],
      },
    };
  }
  const refs = (channel: string, names: string[]) =>
    names.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` }));
  const ledgerNames = [...Object.keys(ledgerMessages), 'cutOff', 'feedError'];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'regledger change feeds',
      version: '1.0.0',
      description:
        'Server-Sent Events over HTTP (GET, Accept: text/event-stream, Authorization: Bearer <reader key>). Each message carries an SSE `id:` to resume from with the Last-Event-ID header (or ?after=). A client too slow to read is sent a final `cut-off` event naming the id to resume from. A feed that cannot go on (the store does not answer, or its file is damaged) sends a final `error` event: the error in the JSON error shape, the id to resume from, and `retry:` (a few seconds for a store that may answer again, an hour for a damaged file). A comment line is sent every 15 s as a heartbeat; comments `: evaluated <id>` say how far the feed has sent (see the HTTP API docs) and may be ignored. Errors before the stream starts are JSON: {statusCode, error, message, details[]}.',
    },
    servers: {
      configured: {
        host: `${host}:${port}`,
        protocol: 'http',
        description: 'regledger serve, as configured (HOST, PORT)',
        security: [{ $ref: '#/components/securitySchemes/apiKey' }],
      },
    },
    channels: {
      ledgerChanges: {
        address: '/v1/changes',
        description:
          'Every ledger event, in position order. ?after=0 replays from the beginning; no parameter starts from now.',
        messages: {
          ...Object.fromEntries(
            Object.keys(ledgerMessages).map((name) => [name, { $ref: `#/components/messages/${name}` }]),
          ),
          cutOff: { $ref: '#/components/messages/cutOff' },
          feedError: { $ref: '#/components/messages/feedError' },
        },
      },
      effectiveChanges: {
        address: '/v1/changes/effective',
        description:
          'One message whenever what is in force now changes for a subject: when an event is recorded, and when the clock reaches an effective time recorded earlier.',
        messages: {
          effectiveTransition: { $ref: '#/components/messages/effectiveTransition' },
          cutOff: { $ref: '#/components/messages/cutOff' },
          feedError: { $ref: '#/components/messages/feedError' },
        },
      },
    },
    operations: {
      receiveLedgerChanges: {
        action: 'receive',
        channel: { $ref: '#/channels/ledgerChanges' },
        messages: refs('ledgerChanges', ledgerNames),
        bindings: {
          http: {
            method: 'GET',
            query: {
              type: 'object',
              properties: {
                after: {
                  type: 'string',
                  pattern: DECIMAL,
                  description: 'a ledger position to resume after; 0 replays everything',
                },
                subject: commaList('subject ids: events of measures that had named one of them by then'),
                measure: commaList('measure ids'),
                type: commaList('event types, e.g. SubjectsAdded or org.regledger.SubjectsAdded'),
              },
            },
          },
        },
      },
      receiveEffectiveChanges: {
        action: 'receive',
        channel: { $ref: '#/channels/effectiveChanges' },
        messages: refs('effectiveChanges', ['effectiveTransition', 'cutOff', 'feedError']),
        bindings: {
          http: {
            method: 'GET',
            query: {
              type: 'object',
              properties: {
                after: { type: 'string', description: 'a transition id as sent in id:, or 0 for the start' },
                subject: commaList('subject ids'),
              },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key with the reader role or above' },
      },
      schemas: {
        CloudEvent: cloudEventEnvelope,
        ...(asJsonSchema(otherSchemas(openApiSchemas)) as Schema),
        ...dataSchemas,
      },
      messages: {
        ...ledgerMessages,
        effectiveTransition: {
          name: 'effectiveTransition',
          title: 'What is in force now changed for a subject (SSE id: the transition id)',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['id', 'subjectId', 'at', 'asOfPosition', 'became', 'restricted', 'causes'],
            properties: {
              id: { type: 'string', description: '<time ms>-<0 record | 1 instant>-<position>-<subject>' },
              subjectId: { type: 'string' },
              at: { type: 'string', format: 'date-time' },
              asOfPosition: { type: 'string', pattern: DECIMAL },
              became: {
                type: 'object',
                required: ['restricted', 'unrestricted'],
                properties: { restricted: categorySet, unrestricted: categorySet },
              },
              restricted: categorySet,
              causes: { type: 'array', items: basisEntry },
            },
          },
        },
        cutOff: {
          name: 'cutOff',
          title: 'Final message to a client that fell too far behind (SSE event: cut-off)',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['reason', 'resumeFrom'],
            properties: { reason: { type: 'string', const: 'slow-consumer' }, resumeFrom: { type: 'string' } },
          },
        },
        feedError: {
          name: 'feedError',
          title:
            'Final message of a feed that cannot go on (SSE event: error): the error, the id to resume from, and retry: how long to wait',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['statusCode', 'error', 'message', 'details', 'resumeFrom'],
            properties: {
              statusCode: { type: 'integer' },
              error: { type: 'string' },
              message: { type: 'string' },
              details: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['rule', 'message'],
                  properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
                },
              },
              resumeFrom: { type: 'string' },
            },
          },
        },
      },
    },
  };
}

/** What the command schemas refer to (SourceDto), kept under the same names so their $refs hold. */
function otherSchemas(openApiSchemas: Record<string, unknown>): Record<string, unknown> {
  const commandSchemas = new Set(COMMAND_TYPES.map((command) => `${command}Dto`));
  const wanted = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        const name = inner.slice('#/components/schemas/'.length);
        if (!wanted.has(name) && !commandSchemas.has(name)) {
          wanted.add(name);
          visit(openApiSchemas[name]);
        }
      } else visit(inner);
    }
  };
  for (const name of commandSchemas) visit(openApiSchemas[name]);
  return Object.fromEntries([...wanted].map((name) => [name, openApiSchemas[name]]));
}

export type AsyncApiDocument = ReturnType<typeof asyncApiDocument>;

/** Kept with the server it describes (the Fastify instance): each app serves its own configuration. */
const published = new WeakMap<object, AsyncApiDocument>();

export function publishAsyncApi(server: object, document: AsyncApiDocument): void {
  published.set(server, document);
}

export function publishedAsyncApi(server: object): AsyncApiDocument {
  return published.get(server)!;
}
