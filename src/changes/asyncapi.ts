/** The AsyncAPI 3 description of the two change feeds, served at /asyncapi.json. */
import { EVENT_TYPES } from '../domain/messages.js';

const categorySet = {
  type: 'object',
  required: ['categories', 'except'],
  properties: { categories: { type: 'array', items: { type: 'string' } }, except: { type: 'array', items: { type: 'string' } } },
};

const basisEntry = {
  type: 'object',
  required: ['eventId', 'type', 'position', 'recordedAt'],
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: EVENT_TYPES },
    position: { type: 'string', pattern: '^[0-9]+$' },
    recordedAt: { type: 'string', format: 'date-time' },
    citation: { type: 'string' },
  },
};

export const ASYNCAPI_DOCUMENT = {
  asyncapi: '3.0.0',
  info: {
    title: 'regledger change feeds',
    version: '1.0.0',
    description:
      'Server-Sent Events over HTTP. Each message carries an SSE `id:` to resume from with the Last-Event-ID header (or ?after=). A client too slow to read is sent a final `cut-off` event naming the id to resume from. A comment line is sent every 15 s as a heartbeat.',
  },
  servers: {
    local: { host: '127.0.0.1:3000', protocol: 'http', description: 'regledger serve (Authorization: Bearer <reader key>)' },
  },
  channels: {
    ledgerChanges: {
      address: '/v1/changes',
      description: 'Every ledger event, in position order; filters: subject, measure, type (comma-separated). ?after=0 replays from the beginning; no parameter starts from now.',
      messages: { ledgerEvent: { $ref: '#/components/messages/ledgerEvent' }, cutOff: { $ref: '#/components/messages/cutOff' } },
    },
    effectiveChanges: {
      address: '/v1/changes/effective',
      description: 'One message whenever what is in force now changes for a subject: when an event is recorded, and when the clock reaches an effective time recorded earlier. Filter: subject.',
      messages: { effectiveTransition: { $ref: '#/components/messages/effectiveTransition' }, cutOff: { $ref: '#/components/messages/cutOff' } },
    },
  },
  operations: {
    receiveLedgerChanges: { action: 'receive', channel: { $ref: '#/channels/ledgerChanges' }, messages: [{ $ref: '#/channels/ledgerChanges/messages/ledgerEvent' }, { $ref: '#/channels/ledgerChanges/messages/cutOff' }] },
    receiveEffectiveChanges: {
      action: 'receive',
      channel: { $ref: '#/channels/effectiveChanges' },
      messages: [{ $ref: '#/channels/effectiveChanges/messages/effectiveTransition' }, { $ref: '#/channels/effectiveChanges/messages/cutOff' }],
    },
  },
  components: {
    messages: {
      ledgerEvent: {
        name: 'ledgerEvent',
        title: 'A ledger event as a CloudEvent 1.0 (SSE id: its ledger position)',
        contentType: 'application/json',
        payload: {
          type: 'object',
          required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data', 'ledgerposition', 'streamrevision'],
          properties: {
            specversion: { type: 'string', const: '1.0' },
            id: { type: 'string', format: 'uuid', description: 'the event id' },
            source: { type: 'string', const: '/regledger' },
            type: { type: 'string', enum: EVENT_TYPES.map((t) => `org.regledger.${t}`) },
            subject: { type: 'string', description: 'the measure id' },
            time: { type: 'string', format: 'date-time', description: 'record time' },
            datacontenttype: { type: 'string', const: 'application/json' },
            data: { type: 'object', description: "the event's payload" },
            ledgerposition: { type: 'string', pattern: '^[0-9]+$' },
            streamrevision: { type: 'string', pattern: '^[0-9]+$' },
            effectivefrom: { type: 'string', format: 'date-time' },
            effectiveuntil: { type: 'string', format: 'date-time' },
          },
        },
      },
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
            asOfPosition: { type: 'string', pattern: '^[0-9]+$' },
            became: { type: 'object', required: ['restricted', 'unrestricted'], properties: { restricted: categorySet, unrestricted: categorySet } },
            restricted: categorySet,
            causes: { type: 'array', items: basisEntry },
          },
        },
      },
      cutOff: {
        name: 'cutOff',
        title: 'Final message to a client that fell too far behind (SSE event: cut-off)',
        contentType: 'application/json',
        payload: { type: 'object', required: ['reason', 'resumeFrom'], properties: { reason: { type: 'string', const: 'slow-consumer' }, resumeFrom: { type: 'string' } } },
      },
    },
  },
};
