/**
 * `asOfPosition=0` asks what was known before anything was recorded. Every answer (state, check, timeline, replay in
 * both orders, the report, the measure view) is for nothing known, with `asOf: null`, not a record time nobody
 * recorded (it said 1970-01-01T00:00:00.000Z), and a notice saying nothing had been recorded yet. The CLI says so in
 * words, and the report's other formats leave the time out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { imposeBody, M } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { tempDir } from '../support/temp-dir.js';

const EPOCH = '1970-01-01';

describe('e2e/nothing-recorded-yet', () => {
  const reader = bearer('reader');
  const ROUTES = ['state', 'check?category=exports', 'timeline', 'replay', 'replay?order=valid', 'report'];
  const withQuery = (route: string, query: string) => `${route}${route.includes('?') ? '&' : '?'}${query}`;

  describe('on a ledger holding one imposition', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      await t.http.post('/v1/commands').set(bearer('writer')).send(imposeBody()).expect(201);
    });
    afterAll(async () => {
      await t.close();
    });
    const get = (path: string) => t.http.get(path).set(reader);

    it.each(ROUTES)('%s?asOfPosition=0 answers asOf: null, saying nothing had been recorded yet', async (route) => {
      const response = await get(`/v1/subjects/acme/${withQuery(route, 'asOfPosition=0')}`).expect(200);
      expect(response.body.asOf).toBeNull();
      expect(response.body.asOfPosition).toBe('0');
      expect(response.body.notice).toMatch(
        /^asOfPosition 0 precedes the first recorded event .*nothing had been recorded yet/,
      );
      expect(response.text).not.toContain(EPOCH);
    });

    it.each(ROUTES)('%s at the first record answers its record time', async (route) => {
      const [first] = await t.store.readAll();
      const response = await get(`/v1/subjects/acme/${withQuery(route, `asOfPosition=${first!.position}`)}`).expect(
        200,
      );
      expect(response.body.asOf).toBe(first!.recordedAt);
      expect(response.body.notice).toBeUndefined();
    });

    it('the measure view knows no measure then, and says so without a made-up time', async () => {
      const response = await get(`/v1/measures/${M}?asOfPosition=0`).expect(404);
      expect(response.body.message).toMatch(/nothing had been recorded yet/);
      expect(response.text).not.toContain(EPOCH);
      const [first] = await t.store.readAll();
      const known = await get(`/v1/measures/${M}?asOfPosition=${first!.position}`).expect(200);
      expect(known.body.asOf).toBe(first!.recordedAt);
    });

    it.each(['md', 'html'])('the %s report says it is from before anything was recorded', async (format) => {
      const response = await get(`/v1/subjects/acme/report?asOfPosition=0&format=${format}`).expect(200);
      expect(response.text).toContain('before anything was recorded');
      expect(response.text).not.toContain(EPOCH);
    });
  });

  it('on an empty ledger, asOfPosition=0 says nothing has been recorded yet', async () => {
    const t = await startTestApp();
    try {
      const response = await t.http.get('/v1/subjects/acme/state?asOfPosition=0').set(reader).expect(200);
      expect(response.body).toMatchObject({ asOf: null, asOfPosition: '0' });
      expect(response.body.notice).toMatch(/nothing has been recorded yet/);
    } finally {
      await t.close();
    }
  });

  it('the CLI says the answer is from before anything was recorded', async () => {
    const dir = tempDir();
    try {
      const env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
      const file = join(dir.path, 'one.ndjson');
      writeFileSync(file, `${JSON.stringify(imposeBody())}\n`);
      expect((await runCli(['import', file], env)).code).toBe(0);
      for (const args of [
        ['state', 'acme'],
        ['check', 'acme', 'exports'],
        ['replay', 'acme'],
        ['export', 'acme', '--format', 'md'],
      ]) {
        const text = await runCli([...args, '--as-of-position', '0'], env);
        expect(text.code).toBe(0);
        expect(text.stdout).not.toContain(EPOCH);
        expect(text.stdout).toContain('before anything was recorded');
      }
      const json = await runCli(['state', 'acme', '--as-of-position', '0', '--json'], env);
      expect(JSON.parse(json.stdout)).toMatchObject({ asOf: null, asOfPosition: '0' });
    } finally {
      dir.remove();
    }
  });
});
