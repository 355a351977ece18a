/**
 * The typed client against a real server on a SQLite file (or, in the
 * eventstoredb-wire project, on EventStoreDB over the wire-level test server): typed calls and
 * errors, both feeds as async iterables and Observables, and a server restart
 * in the middle of a subscription (nothing lost, nothing repeated). Its
 * generated types must match a fresh generation from the document.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { openApiDocument } from '../../../src/openapi.js';
import type { EventStore } from '../../../src/event-store/event-store.js';
import { EventStoreDbEventStore } from '../../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { EventStoreWireServer } from '../../../test/support/esdb-wire/server.js';
import { KEYS, startTestApp, type TestApp } from '../../../test/support/http-app.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { DOCUMENT_FILE, documentText, TYPES_FILE, typesText } from '../scripts/generate.mjs';
import { createLedgerClient, LedgerApiError, orThrow, type LedgerClient, type LedgerCloudEvent } from '../src/index.js';

const dir = tempDir();
const file = join(dir.path, 'ledger.db');
let t: TestApp;
let port: number;

let wire: EventStoreWireServer | undefined;

/** The ledger the server opens, the same one again after a restart. */
async function openStore(): Promise<EventStore> {
  if (process.env.REGLEDGER_TEST_STORE !== 'eventstoredb') return new SqliteEventStore(file);
  wire ??= await new EventStoreWireServer({ batchAppend: true }).start();
  return EventStoreDbEventStore.connect(wire.connectionString, { retryDelayMs: 10 });
}

async function start(listenOn = 0): Promise<void> {
  t = await startTestApp({ store: await openStore() });
  await t.app.listen(listenOn, '127.0.0.1');
  port = (t.app.getHttpServer().address() as AddressInfo).port;
}

/** Stops the server as a crash or a redeploy would: open connections are dropped. */
async function stop(): Promise<void> {
  const closing = t.close();
  t.app.getHttpServer().closeAllConnections();
  await closing;
}

const client = (key: string = KEYS.admin): LedgerClient =>
  createLedgerClient({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: key,
    backOff: { initialDelayMs: 20, maxDelayMs: 200 },
  });

const impose = (measureId: string, subject = 'acme') => ({
  type: 'ImposeRestriction' as const,
  measureId,
  title: `Measure ${measureId}`,
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: [subject],
  categories: ['exports'],
  effectiveFrom: '2019-05-16T16:15:00-04:00',
});

async function record(measureId: string, subject?: string): Promise<string> {
  return (await orThrow(client().api.POST('/v1/commands', { body: impose(measureId, subject) }))).position;
}

beforeAll(() => start());
afterAll(async () => {
  await stop();
  await wire?.stop();
  dir.remove();
});

describe('the typed client', () => {
  it('records a command and reads the answer with the types of the OpenAPI document', async () => {
    const ledger = client();
    const recorded = await orThrow(ledger.api.POST('/v1/commands', { body: impose('typed-one', 'typed-co') }));
    expect(recorded.events[0]!.type).toBe('RestrictionImposed');
    const state = await orThrow(
      ledger.api.GET('/v1/subjects/{subjectId}/state', { params: { path: { subjectId: 'typed-co' } } }),
    );
    expect(state.restricted.map((r) => r.measureId)).toEqual(['typed-one']);
    expect(state.subjectKnown).toBe(true);
  });

  it('throws a LedgerApiError with the status and the details naming the field', async () => {
    const error = await orThrow(
      client().api.POST('/v1/commands', { body: { ...impose('typed-bad'), effectiveFrom: 'yesterday' } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerApiError);
    expect((error as LedgerApiError).status).toBe(400);
    expect((error as LedgerApiError).details).toEqual([
      expect.objectContaining({ field: 'effectiveFrom', rule: 'isInstant' }),
    ]);
  });

  it('ends a feed with a LedgerApiError the key cannot get past, without retrying', async () => {
    const feed = client('not-a-key').subscribe({ after: '0' });
    const error = await (async () => {
      for await (const message of feed) return message;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerApiError);
    expect((error as LedgerApiError).status).toBe(401);
  });
});

describe('subscribe', () => {
  it('delivers the filtered ledger events in order as an async iterable, typed by event type', async () => {
    const positions = [
      await record('iter-a', 'iter-co'),
      await record('iter-other', 'someone-else'),
      await record('iter-b', 'iter-co'),
    ];
    const seen: LedgerCloudEvent[] = [];
    for await (const { id, data } of client(KEYS.reader).subscribe({ after: '0', subject: ['iter-co'] })) {
      expect(id).toBe(data.ledgerposition);
      seen.push(data);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.ledgerposition)).toEqual([positions[0], positions[2]]);
    const first = seen[0]!;
    if (first.type !== 'org.regledger.RestrictionImposed') throw new Error(`unexpected ${first.type}`);
    expect(first.data.subjects).toEqual(['iter-co']);
  });

  it('is an rxjs Observable too, and the effective feed as well', async () => {
    await record('obs-a', 'obs-co');
    const events = await firstValueFrom(
      client(KEYS.reader)
        .subscribe({ after: '0', measure: ['obs-a'] })
        .asObservable()
        .pipe(take(1), toArray()),
    );
    expect(events.map((m) => m.data.subject)).toEqual(['obs-a']);
    const transition = await firstValueFrom(
      client(KEYS.reader)
        .subscribeEffective({ after: '0', subject: ['obs-co'] })
        .asObservable(),
    );
    expect(transition.data).toMatchObject({ subjectId: 'obs-co', restricted: { categories: ['exports'] } });
    expect(transition.id).toBe(transition.data.id);
  });

  it('resumes after a server restart from the last id it received: nothing lost, nothing repeated', async () => {
    const before = [await record('restart-a', 'restart-co'), await record('restart-b', 'restart-co')];
    const received: string[] = [];
    const reconnections: unknown[] = [];
    const ledger = createLedgerClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: KEYS.reader,
      backOff: { initialDelayMs: 20, maxDelayMs: 200 },
      onReconnect: (error) => reconnections.push(error),
    });
    let firstTwo!: () => void;
    const firstTwoReceived = new Promise<void>((resolve) => (firstTwo = resolve));
    const consuming = (async () => {
      for await (const { id } of ledger.subscribe({ subject: ['restart-co'], after: '0' })) {
        received.push(id);
        if (received.length === 2) firstTwo();
        if (received.length === 6) break;
      }
    })();
    // Resolved by the subscription itself; a subscription that ends or fails first fails the test with its reason.
    await Promise.race([
      firstTwoReceived,
      consuming.then(() => Promise.reject(new Error('the subscription ended early'))),
    ]);
    // Recorded just before the stop: delivered before it, or after the restart, but once.
    const around = [await record('restart-c', 'restart-co')];
    await stop();
    await start(port);
    const after = [
      await record('restart-d', 'restart-co'),
      await record('restart-e', 'restart-co'),
      await record('restart-f', 'restart-co'),
    ];
    await consuming;
    expect(received).toEqual([...before, ...around, ...after]);
    expect(reconnections.length).toBeGreaterThan(0);
  });
});

describe('the generated types', () => {
  it('match a fresh generation from the OpenAPI document (run npm run client:generate after changing the API)', async () => {
    const document = openApiDocument(t.app);
    expect(readFileSync(DOCUMENT_FILE, 'utf8')).toBe(documentText(document));
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await typesText(document));
  });
});
