/**
 * One batch request may not hold the server's one thread for long: a batch of
 * more than MAX_COMMANDS_PER_BATCH commands is refused before its commands are
 * read, NDJSON reading stops at the problem cap, a list far past a command's
 * cap is refused before its elements are walked, and an accepted batch is
 * decided in chunks with the event loop taking its turn between them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { MAX_COMMANDS_PER_BATCH } from '../../src/domain/command-limits.js';
import { isTransactional } from '../../src/event-store/write-transaction.js';
import { MAX_DETAILS } from '../../src/errors.js';
import { DTO_OF } from '../../src/ledger/dto/command.dto.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('http/batch-bounds', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Room for a body over the batch limit: the size limit is not what refuses it.
    t = await startTestApp({ bodyLimit: '4mb' });
  });
  afterAll(async () => {
    await t.close();
  });

  const eventCount = async () => (await t.store.readAll()).length;
  const post = (path: string, text: string, type = 'application/json') =>
    t.http.post(path).set(bearer('writer')).set('Content-Type', type).send(text);
  const commands = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => imposeBody({ measureId: `${prefix}-${i}`, commandId: randomUUID() }));

  it('refuses a batch of more commands than the limit with 413 naming the rule, and writes nothing', async () => {
    const before = await eventCount();
    const over = commands('over', MAX_COMMANDS_PER_BATCH + 1);
    const asArray = await post('/v1/commands/batch', JSON.stringify(over));
    const asNdjson = await post(
      '/v1/commands/batch',
      over.map((c) => JSON.stringify(c)).join('\n'),
      'application/x-ndjson',
    );
    for (const response of [asArray, asNdjson]) {
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect(response.body.details).toEqual([
        expect.objectContaining({ field: 'batch', rule: 'maxCommandsPerBatch', value: MAX_COMMANDS_PER_BATCH }),
      ]);
      expect(response.body.message).toContain(`at most ${MAX_COMMANDS_PER_BATCH} commands`);
    }
    expect(await eventCount()).toBe(before);
  });

  it('refuses NDJSON of 300,000 empty objects by its count of lines, before parsing one', async () => {
    const response = await post('/v1/commands/batch', Array(300_000).fill('{}').join('\n'), 'application/x-ndjson');
    expect(response.status).toBe(413);
    expect(response.body.details).toEqual([expect.objectContaining({ rule: 'maxCommandsPerBatch' })]);
  });

  it('answers NDJSON of many unreadable lines with the capped problems, reading no further', async () => {
    const before = await eventCount();
    const response = await post(
      '/v1/commands/batch',
      Array(MAX_COMMANDS_PER_BATCH).fill('not json').join('\n'),
      'application/x-ndjson',
    );
    expect(response.status).toBe(400);
    const details = response.body.details as { field?: string; rule: string; message: string }[];
    expect(details).toHaveLength(MAX_DETAILS + 1);
    expect(details[0]).toMatchObject({ field: 'line 1', rule: 'isJson' });
    expect(details[MAX_DETAILS - 1]).toMatchObject({ field: `line ${MAX_DETAILS}`, rule: 'isJson' });
    expect(details[MAX_DETAILS]).toMatchObject({ rule: 'maxDetails' });
    expect(details[MAX_DETAILS]!.message).toContain(`stopped at line ${MAX_DETAILS + 1}`);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a command naming ten times the subjects a command may with one problem naming the field', async () => {
    const before = await eventCount();
    const subjects = Array.from({ length: 100_000 }, (_, i) => i.toString(16));
    const response = await post('/v1/commands', JSON.stringify(imposeBody({ measureId: 'wide', subjects })));
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: 'subjects', rule: 'arrayMaxSize', message: expect.stringContaining('10000') }),
    ]);
    expect(await eventCount()).toBe(before);
  });

  /** Counts event-loop turns (the check phase) from now until `stop` is called. */
  function turnCounter(): { turns: () => number; stop: () => void } {
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    return { turns: () => turns, stop: () => (counting = false) };
  }

  it('validates a batch at the limit over several turns of the event loop, not in one stretch', async () => {
    const counter = turnCounter();
    // The turn on which each command of the batch is checked: its body becomes an instance of the command's class.
    const turnsAtCheck: number[] = [];
    const Impose = DTO_OF.ImposeRestriction;
    const Checked = class extends (Impose as new () => object) {
      constructor() {
        super();
        turnsAtCheck.push(counter.turns());
      }
    };
    DTO_OF.ImposeRestriction = Checked as typeof Impose;
    try {
      const before = await eventCount();
      // The last command is bad: every command is still checked, and none is then appended (a thousand appends, one
      // gRPC round trip or more each on EventStoreDB, would cost ten times the check and prove nothing more here).
      const batch = commands('validated', MAX_COMMANDS_PER_BATCH);
      batch[MAX_COMMANDS_PER_BATCH - 1] = { ...batch[MAX_COMMANDS_PER_BATCH - 1]!, title: '' };
      const response = await post('/v1/commands/batch', JSON.stringify(batch));
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([
        expect.objectContaining({ field: `[${MAX_COMMANDS_PER_BATCH - 1}].title` }),
      ]);
      expect(await eventCount()).toBe(before);
      expect(turnsAtCheck.length).toBeGreaterThanOrEqual(MAX_COMMANDS_PER_BATCH);
      expect(turnsAtCheck[MAX_COMMANDS_PER_BATCH - 1]).toBeGreaterThan(turnsAtCheck[0]!);
    } finally {
      counter.stop();
      DTO_OF.ImposeRestriction = Impose;
    }
  });

  it('decides a batch at the limit in chunks, the event loop taking turns between them', async () => {
    const store = t.store;
    // Chunks exist where the store runs commands in one write transaction; elsewhere each command awaits the store.
    if (!isTransactional(store)) return;
    const counter = turnCounter();
    const turnsAtChunk: number[] = [];
    const inWriteTransaction = store.inWriteTransaction.bind(store);
    store.inWriteTransaction = (work) => {
      turnsAtChunk.push(counter.turns());
      return inWriteTransaction(work);
    };
    try {
      const before = await eventCount();
      const batch = commands('chunked', MAX_COMMANDS_PER_BATCH);
      const response = await post('/v1/commands/batch', JSON.stringify(batch));
      expect(response.status).toBe(200);
      expect(response.body.results).toHaveLength(MAX_COMMANDS_PER_BATCH);
      expect(await eventCount()).toBe(before + MAX_COMMANDS_PER_BATCH);
      expect(turnsAtChunk.length).toBeGreaterThan(1);
      // Each chunk starts on a later turn of the loop than the one before it: timers and other requests ran between.
      for (let i = 1; i < turnsAtChunk.length; i++) expect(turnsAtChunk[i]).toBeGreaterThan(turnsAtChunk[i - 1]!);
    } finally {
      counter.stop();
      store.inWriteTransaction = inWriteTransaction;
    }
  });
});
