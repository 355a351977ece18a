/**
 * Command bodies that say two things are refused whole, before anything is
 * written: a key given twice in one object (JSON.parse would keep the last),
 * an NDJSON line holding an array of commands, and two different commands of
 * one batch sharing a commandId (the first would be written, then the second
 * refused), and text holding an unpaired UTF-16 surrogate (valid JSON through
 * its `\ud800` escape, but no Unicode text: it could not be hashed or stored).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('http/command-body-edges', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const eventCount = async () => (await t.store.readAll()).length;
  const post = (path: string, text: string, type = 'application/json') =>
    t.http.post(path).set(bearer('writer')).set('Content-Type', type).send(text);
  const command = (measureId: string, over: Record<string, unknown> = {}) =>
    imposeBody({ measureId, commandId: randomUUID(), ...over });

  it('refuses a key given twice in one object, naming its path', async () => {
    const before = await eventCount();
    const one = JSON.stringify(command('dup-1')).replace('"subjects":', '"subjects":["a"],"subjects":');
    const single = await post('/v1/commands', one);
    expect(single.status).toBe(400);
    expect(single.body.details).toEqual([expect.objectContaining({ field: 'subjects', rule: 'noDuplicateKeys' })]);

    const nested = JSON.stringify([command('dup-2'), command('dup-3')]).replace(
      '"publishedAt":"2019-05-21"}',
      '"publishedAt":"2019-05-21","title":"again"}',
    );
    const batch = await post('/v1/commands/batch', nested);
    expect(batch.status).toBe(400);
    expect(batch.body.details).toEqual([
      expect.objectContaining({ field: '[0].sources[0].title', rule: 'noDuplicateKeys' }),
    ]);

    const lines = [JSON.stringify(command('dup-4')), JSON.stringify(command('dup-5')).replace('{', '{"type":"X",')];
    const ndjson = await post('/v1/commands/batch', lines.join('\n'), 'application/x-ndjson');
    expect(ndjson.status).toBe(400);
    expect(ndjson.body.details).toEqual([expect.objectContaining({ field: 'line 2.type', rule: 'noDuplicateKeys' })]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses an NDJSON line holding an array of commands', async () => {
    const before = await eventCount();
    const response = await post(
      '/v1/commands/batch',
      JSON.stringify([command('ndjson-array')]),
      'application/x-ndjson',
    );
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([expect.objectContaining({ field: 'line 1', rule: 'isObject' })]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a batch in which two different commands share a commandId, writing neither', async () => {
    const before = await eventCount();
    const shared = randomUUID();
    const response = await post(
      '/v1/commands/batch',
      JSON.stringify([
        command('shared-1', { commandId: shared }),
        command('shared-2', { commandId: shared.toUpperCase() }),
      ]),
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ failedIndex: 1, results: [] });
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: '[1].commandId', rule: 'command-id-reused' }),
    ]);
    expect(response.body.message).toMatch(/^commands \[0\] and \[1\] are different commands with one commandId/);
    expect(await eventCount()).toBe(before);

    // The same command twice is a repeat: written once.
    const repeated = command('repeated-in-batch');
    const twice = await post('/v1/commands/batch', JSON.stringify([repeated, repeated]));
    expect(twice.status).toBe(200);
    expect(twice.body.results.map((r: { status: number }) => r.status)).toEqual([201, 200]);
  });

  it('refuses text holding an unpaired surrogate in any field of any body, naming the field, writing nothing', async () => {
    const before = await eventCount();
    const unicodeDetail = (field: string) => expect.objectContaining({ field, rule: 'wellFormedUnicode' });
    // JSON.stringify writes a lone surrogate as its \u escape: the text sent is valid JSON.
    for (const [over, field] of [
      [{ title: 'x\ud800' }, 'title'],
      [{ note: '\udfff' }, 'note'],
      [{ authority: 'BIS\udbff' }, 'authority'],
      [
        { sources: [{ url: 'https://example.org/r', title: 'r\udc00', publishedAt: '2019-05-21' }] },
        'sources[0].title',
      ],
    ] as const) {
      const single = await post('/v1/commands', JSON.stringify(command('lone-single', over)));
      expect(single.status).toBe(400);
      expect(single.body.details).toEqual([unicodeDetail(field)]);
      expect(single.body.message).toContain('unpaired UTF-16 surrogate');
    }
    // A key is no place for one either: the object holding it is named.
    const key = await post('/v1/commands', JSON.stringify({ ...command('lone-key'), 'k\ud800': 1 }));
    expect(key.status).toBe(400);
    expect(key.body.details).toContainEqual(expect.objectContaining({ rule: 'wellFormedUnicode' }));

    const batch = await post(
      '/v1/commands/batch',
      JSON.stringify([command('lone-batch-ok'), command('lone-batch-bad', { note: '\ud800' })]),
    );
    expect(batch.status).toBe(400);
    expect(batch.body.details).toEqual([unicodeDetail('[1].note')]);

    const lines = [command('lone-nd-ok'), command('lone-nd-bad', { citation: 'c\ud800' })].map((c) =>
      JSON.stringify(c),
    );
    const ndjson = await post('/v1/commands/batch', lines.join('\n'), 'application/x-ndjson');
    expect(ndjson.status).toBe(400);
    expect(ndjson.body.details).toEqual([unicodeDetail('line 2: citation')]);
    expect(await eventCount()).toBe(before);

    // A pair is one character: text beyond the Basic Multilingual Plane, escaped or not, is written.
    const astral = JSON.stringify(command('astral-raw', { title: 'Rule 😀' }));
    const escaped = JSON.stringify(command('astral-escaped', { title: 'Rule 😀' })).replace('😀', '\\ud83d\\ude00');
    expect(escaped).toContain('Rule \\ud83d\\ude00');
    for (const text of [astral, escaped]) expect((await post('/v1/commands', text)).status).toBe(201);
    expect(await eventCount()).toBe(before + 2);

    // Not only commands: every JSON body is read through the same check.
    const ack = await t.http
      .post('/v1/consumers/lone/ack')
      .set(bearer('reader'))
      .set('Content-Type', 'application/json')
      .send('{"position":"\\ud800"}');
    expect(ack.status).toBe(400);
    expect(ack.body.details).toEqual([unicodeDetail('position')]);
  });
});
