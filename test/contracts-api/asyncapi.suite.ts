/**
 * The AsyncAPI document is the truth: valid for @asyncapi/parser, its server
 * from configuration with its security scheme, one typed message per event
 * type whose data is the command's schema, the filters, the effective
 * transition and the cut-off; and every message a feed delivers matches it.
 */
import { Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpApp } from '../../src/app.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { COMMAND_TYPES, EVENT_TYPE_OF } from '../../src/domain/messages.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { AsyncApiDocument } from '../../src/changes/asyncapi.js';
import { everyCommand } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';
import { streamMessageValidator } from '../support/stream-contract.js';

describe('contracts-api/asyncapi', () => {
  type Schema = { required?: string[]; properties?: Record<string, unknown> };
  let t: TestApp;
  let document: AsyncApiDocument;
  let openapi: { components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http.get('/asyncapi.json').expect(200)).body;
    openapi = (await t.http.get('/docs/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    SseConnection.closeAll();
    await t.close();
  });

  describe('the AsyncAPI document', () => {
    it('is valid for @asyncapi/parser', async () => {
      const diagnostics = await new Parser().validate(document);
      expect(
        diagnostics.filter((d) => Number(d.severity) === 0).map((d) => `${d.message} at ${d.path.join('.')}`),
      ).toEqual([]);
    });

    it('describes both feeds as channels', () => {
      expect(Object.values(document.channels).map((c) => (c as { address: string }).address)).toEqual([
        '/v1/changes',
        '/v1/changes/effective',
      ]);
    });

    it('names the server as configured, secured by the API key scheme', async () => {
      const store = new SqliteEventStore(':memory:');
      let app: INestApplication | undefined;
      try {
        app = await createHttpApp(
          loadConfig({ LEDGER_DEMO: 'off', HOST: '10.1.2.3', PORT: '8443', LEDGER_DATA_DIR: '/nonexistent' }),
          store,
          new ApiKeys([]),
          { logLevels: false },
        );
        const served = (await request(app.getHttpServer()).get('/asyncapi.json').expect(200)).body as AsyncApiDocument;
        expect(Object.values(served.servers)).toEqual([
          expect.objectContaining({
            host: '10.1.2.3:8443',
            protocol: 'http',
            security: [{ $ref: '#/components/securitySchemes/apiKey' }],
          }),
        ]);
        expect(served.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      } finally {
        await app?.close();
        await store.close();
      }
    });

    it("types each event's data as its command's fields, without the command's envelope", () => {
      const schemas = document.components.schemas as Record<string, Schema>;
      for (const command of COMMAND_TYPES) {
        const event = EVENT_TYPE_OF[command];
        const dto = openapi.components.schemas[`${command}Dto`]!;
        const data = schemas[`${event}Data`]!;
        expect([event, Object.keys(data.properties!).sort()]).toEqual([
          event,
          Object.keys(dto.properties!)
            .filter((p) => !['type', 'commandId', 'expectedRevision'].includes(p))
            .sort(),
        ]);
        expect([event, data.required]).toEqual([event, dto.required!.filter((p) => p !== 'type')]);
        expect(document.channels.ledgerChanges.messages).toHaveProperty(event);
      }
    });

    it('declares the filters, and the effective-transition, cut-off and error messages', () => {
      expect(Object.keys(document.operations.receiveLedgerChanges.bindings.http.query.properties)).toEqual([
        'after',
        'subject',
        'measure',
        'type',
      ]);
      expect(Object.keys(document.operations.receiveEffectiveChanges.bindings.http.query.properties)).toEqual([
        'after',
        'subject',
      ]);
      expect(Object.keys(document.channels.effectiveChanges.messages)).toEqual([
        'effectiveTransition',
        'cutOff',
        'feedError',
      ]);
      expect(document.channels.ledgerChanges.messages).toHaveProperty('cutOff');
      expect(document.channels.ledgerChanges.messages).toHaveProperty('feedError');
    });
  });

  describe('the messages the feeds deliver', () => {
    it('match the AsyncAPI messages, for every event type', async () => {
      const eventIds: string[] = [];
      for (const command of everyCommand((index) => eventIds[index]!)) {
        const answer = await t.http.post('/v1/commands').set(bearer('writer')).send(command()).expect(201);
        eventIds.push(answer.body.events[0].eventId);
      }
      await t.app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      const ledger = await SseConnection.open(`${base}/v1/changes?after=0`, bearer('reader'));
      const effective = await SseConnection.open(`${base}/v1/changes/effective?after=0`, bearer('reader'));
      await ledger.until((c) => c.messages.length === eventIds.length);
      await effective.until((c) => c.messages.length > 0);
      ledger.close();
      effective.close();
      const checks = streamMessageValidator(document);
      expect(new Set(ledger.messages.map((m) => JSON.parse(m.data).type)).size).toBe(COMMAND_TYPES.length);
      expect(ledger.messages.map((m) => checks['/v1/changes']!(m)).filter(Boolean)).toEqual([]);
      expect(effective.messages.map((m) => checks['/v1/changes/effective']!(m)).filter(Boolean)).toEqual([]);
    });
  });
});
