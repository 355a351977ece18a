/**
 * The HTTP application on a fresh store, with one key per role, for end-to-end tests.
 * Every answer it gives is checked against the OpenAPI document (and every
 * Server-Sent Event against the AsyncAPI one): a test that got an answer
 * breaking the contract fails, with what was wrong.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createHttpApp } from '../../src/app.js';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import type { LedgerClock } from '../../src/clock.js';
import type { SseOptions } from '../../src/changes/sse-writer.js';
import { loadConfig } from '../../src/config.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ResponseContract } from './response-contract.js';

export const KEYS = { reader: 'reader-key-0001', writer: 'writer-key-0001', admin: 'admin-key-0001' } as const;

export interface TestApp {
  app: INestApplication;
  store: EventStore;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The store an end-to-end test runs on when it does not bring its own:
 * `REGLEDGER_TEST_STORE=eventstoredb` runs the suites on the EventStoreDB
 * adapter against the wire-level test server (a jest project does so).
 */
async function defaultStore(): Promise<{ store: EventStore; stop?: () => Promise<void> }> {
  if (process.env.REGLEDGER_TEST_STORE !== 'eventstoredb') return { store: new SqliteEventStore(':memory:') };
  // Unary appends: the client keeps batch appends' pending answers in one map for every client of the module, and a
  // closing client's stream error rejects and drops the others' (a suite's shared app then meets an answer it no
  // longer awaits). The contract suite runs both append paths.
  // Imported here, not above: the gRPC client and server cost every entry on SQLite ~0.5 s of CPU to load for nothing.
  const [{ EventStoreWireServer }, { EventStoreDbEventStore }] = await Promise.all([
    import('./esdb-wire/server.js'),
    import('../../src/event-store/eventstoredb/eventstoredb-event-store.js'),
  ]);
  const server = await new EventStoreWireServer({ batchAppend: false, systemEventEvery: 5 }).start();
  return {
    store: await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 }),
    stop: () => server.stop(),
  };
}

export async function startTestApp(
  options: { store?: EventStore; bodyLimit?: string; clock?: LedgerClock; sse?: Partial<SseOptions> } = {},
): Promise<TestApp> {
  const { store, stop } = options.store ? { store: options.store, stop: undefined } : await defaultStore();
  const config = loadConfig({
    LEDGER_DEMO: 'off',
    LEDGER_BODY_LIMIT: options.bodyLimit ?? '64kb',
    LEDGER_DATA_DIR: '/nonexistent',
  });
  const apiKeys = new ApiKeys(
    Object.entries(KEYS).map(([role, key]) => ({
      name: `${role}-key`,
      role: role as keyof typeof KEYS,
      sha256: sha256Hex(key),
    })),
  );
  const app = await createHttpApp(config, store, apiKeys, { logLevels: false, clock: options.clock, sse: options.sse });
  ResponseContract.of(app).watch(app.getHttpServer(), (problem) => contractBreaches.push(problem));
  return {
    app,
    store,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await store.close();
      await stop?.();
      failOnContractBreaches();
    },
  };
}

export const bearer = (role: keyof typeof KEYS) => ({ Authorization: `Bearer ${KEYS[role]}` });

/** Answers that broke the contract since the last check. */
const contractBreaches: string[] = [];

function failOnContractBreaches(): void {
  if (!contractBreaches.length) return;
  const found = contractBreaches.splice(0);
  throw new Error(
    `${found.length} ${found.length === 1 ? 'answer breaks' : 'answers break'} the OpenAPI/AsyncAPI contract:\n${found.join('\n')}`,
  );
}

afterEach(failOnContractBreaches);

/** A fresh app for each test of the block, handed to `use` before each. */
export function appPerTest(use: (app: TestApp) => void): void {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp();
    use(app);
  });
  afterEach(async () => {
    await app.close();
  });
}

/**
 * One app for a block whose tests only read, send only what is refused, or write to measures of their own and look
 * only at what they wrote: what one test leaves, the next sees.
 */
export function appPerBlock(use: (app: TestApp) => void): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    const started = await startTestApp();
    app = started;
    use(started);
  });
  afterAll(async () => {
    // An app that failed to start has failed every test of the block already, with the reason: nothing to close.
    await app?.close();
  });
}
