/**
 * The subscribers file (`ledger.subscribers.db`: webhooks and consumer
 * checkpoints) gets the ledger file's care: an empty, random, truncated or
 * foreign file, or a directory, stops start-up with a message naming it
 * (nothing is started over it, so no webhook or checkpoint is silently
 * dropped), and a full disk answers 507 naming it, not 500.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { StorageFailure } from '../../src/event-store/storage-failure.js';
import { SqliteSubscriberState } from '../../src/subscriber-state/sqlite-subscriber-state.js';
import { SUBSCRIBER_STATE } from '../../src/subscriber-state/subscriber-state.js';
import { imposeBody } from '../support/commands.js';
import { truncateToHalf } from '../support/damage.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

describe('subscriber-state/subscribers-file', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let t: TestApp | undefined;
  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'ledger.subscribers.db');
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    dir.remove();
  });

  const refusal = (): StorageFailure => {
    try {
      new SqliteSubscriberState(path);
    } catch (error) {
      return error as StorageFailure;
    }
    throw new Error(`${path} was opened`);
  };
  const expectRefused = (said: RegExp) => {
    const failure = refusal();
    expect(failure).toBeInstanceOf(StorageFailure);
    expect(failure).toMatchObject({ atOpen: true, permanent: true, path });
    expect(failure.message.startsWith(path)).toBe(true);
    expect(failure.message).toMatch(said);
  };

  it('is created whole when missing, and opened again with what it holds', async () => {
    const state = new SqliteSubscriberState(path);
    await state.acknowledge('billing', 7n);
    await state.close();
    const again = new SqliteSubscriberState(path);
    expect(await again.consumerPosition('billing')).toBe(7n);
    await again.close();
  });

  it('refuses an empty file rather than starting over it, and leaves it as it was', () => {
    writeFileSync(path, '');
    expectRefused(/is empty \(0 bytes\).*restore it from a backup, or delete it/);
    expect(statSync(path).size).toBe(0);
  });

  it('refuses random bytes, a directory and another program’s database', () => {
    writeFileSync(path, randomBytes(8192));
    expectRefused(/is not a regledger subscribers file \(it does not start with the SQLite header\)/);
    dir.remove();
    mkdirSync(path, { recursive: true });
    expectRefused(/is not a regledger subscribers file \(it is not a regular file\)/);
  });

  it('refuses the ledger file given in its place, and a truncated file', async () => {
    const ledger = new SqliteEventStore(path);
    await ledger.close();
    expectRefused(/its tables are .*events/);
    dir.remove();
    mkdirSync(dir.path, { recursive: true });
    const state = new SqliteSubscriberState(path);
    for (let i = 0; i < 300; i++) await state.acknowledge(`consumer-${i}-${'c'.repeat(200)}`, BigInt(i + 1));
    await state.close();
    truncateToHalf(path);
    expectRefused(/is damaged|is not a regledger subscribers file/);
  });

  it('stops the app from starting (a rejection serve reports, exit 2), not the process', async () => {
    writeFileSync(join(dir.path, 'ledger.subscribers.db'), '');
    const store = new SqliteEventStore(join(dir.path, 'ledger.db'));
    try {
      await expect(startTestApp({ store })).rejects.toMatchObject({
        name: 'StorageFailure',
        atOpen: true,
        message: expect.stringContaining(path),
      });
    } finally {
      await store.close();
    }
  });

  it('answers a consumer ack and a webhook registration 507 naming the file when its disk is full', async () => {
    const allowed = process.env.LEDGER_WEBHOOK_ALLOW;
    process.env.LEDGER_WEBHOOK_ALLOW = '127.0.0.1';
    try {
      t = await startTestApp({ store: new SqliteEventStore(join(dir.path, 'ledger.db')) });
    } finally {
      if (allowed === undefined) delete process.env.LEDGER_WEBHOOK_ALLOW;
      else process.env.LEDGER_WEBHOOK_ALLOW = allowed;
    }
    await t.http.post('/v1/commands').set(bearer('writer')).send(imposeBody()).expect(201);
    const state = t.app.get<SqliteSubscriberState>(SUBSCRIBER_STATE);
    expect(state.path).toBe(path);
    const pages = (state.pragma('page_count') as { page_count: number }[])[0]!.page_count;
    state.pragma(`max_page_count = ${pages}`);
    // Each kind of write goes on until the file can grow no further: that write is refused 507, naming the file.
    const untilRefused = async (send: (i: number) => Promise<{ status: number; body: unknown }>) => {
      for (let i = 0; i < 200; i++) {
        const response = await send(i);
        if (response.status >= 300) return response;
      }
      throw new Error('every write fitted');
    };
    const ack = await untilRefused((i) =>
      t!.http
        .post(`/v1/consumers/c${i}-${'c'.repeat(56)}/ack`)
        .set(bearer('reader'))
        .send({ position: '1' }),
    );
    const hook = await untilRefused((i) =>
      t!.http
        .post('/v1/webhooks')
        .set(bearer('admin'))
        .send({ url: `http://127.0.0.1:9/${'h'.repeat(400)}/${i}`, feed: 'ledger' }),
    );
    for (const response of [ack, hook])
      expect(response.body).toMatchObject({
        statusCode: 507,
        error: 'Insufficient Storage',
        message: expect.stringContaining(`the disk holding ${path} is full`),
      });
  });
});
