/**
 * The HTTP application on a fresh store, with one key per role, for end-to-end tests.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createHttpApp } from '../../src/app.js';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import type { LedgerClock } from '../../src/changes/clock.js';
import type { SseOptions } from '../../src/changes/sse-writer.js';
import { loadConfig } from '../../src/config.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

export const KEYS = { reader: 'reader-key-0001', writer: 'writer-key-0001', admin: 'admin-key-0001' } as const;

export interface TestApp {
  app: INestApplication;
  store: EventStore;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startTestApp(options: { store?: EventStore; bodyLimit?: string; clock?: LedgerClock; sse?: Partial<SseOptions> } = {}): Promise<TestApp> {
  const store = options.store ?? new SqliteEventStore(':memory:');
  const config = loadConfig({ LEDGER_DEMO: 'off', LEDGER_BODY_LIMIT: options.bodyLimit ?? '64kb', LEDGER_DATA_DIR: '/nonexistent' });
  const apiKeys = new ApiKeys(Object.entries(KEYS).map(([role, key]) => ({ name: `${role}-key`, role: role as keyof typeof KEYS, sha256: sha256Hex(key) })));
  const app = await createHttpApp(config, store, apiKeys, { logLevels: false, clock: options.clock, sse: options.sse });
  return {
    app,
    store,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const bearer = (role: keyof typeof KEYS) => ({ Authorization: `Bearer ${KEYS[role]}` });
