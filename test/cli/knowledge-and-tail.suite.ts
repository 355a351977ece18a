/**
 * The CLI says in words what an answer does not know, and `tail --after 0`
 * replays both feeds from the start, as its help says.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { imposeBody } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('cli/knowledge-and-tail', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  // One ledger for the whole suite: nothing here writes to it.
  beforeAll(async () => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
    const file = join(dir.path, 'one.ndjson');
    writeFileSync(file, JSON.stringify(imposeBody()));
    expect((await runCli(['import', file], env)).code).toBe(0);
  });
  afterAll(() => dir.remove());

  describe('a subject the ledger never named', () => {
    it('state, check, timeline, replay and explain each say it is unknown to the ledger', async () => {
      const commands = [
        ['state', 'hauwei'],
        ['check', 'hauwei', 'exports'],
        ['timeline', 'hauwei'],
        ['replay', 'hauwei'],
        ['explain', 'hauwei', 'exports'],
      ];
      const results = await Promise.all(commands.map((args) => runCli(args, env)));
      for (const [index, result] of results.entries()) {
        expect({
          command: commands[index]![0],
          code: result.code,
          said: result.stdout.includes('hauwei is unknown to the ledger'),
        }).toEqual({ command: commands[index]![0], code: 0, said: true });
      }
    });

    it('a named subject is not called unknown, and --json carries subjectKnown', async () => {
      const [known, unknownJson, knownJson] = await Promise.all([
        runCli(['state', 'acme'], env),
        runCli(['state', 'hauwei', '--json'], env),
        runCli(['check', 'acme', 'exports', '--json'], env),
      ]);
      expect(known.stdout).not.toContain('unknown to the ledger');
      expect(JSON.parse(unknownJson.stdout)).toMatchObject({ subjectKnown: false });
      expect(JSON.parse(knownJson.stdout)).toMatchObject({ subjectKnown: true });
    });

    it('a record time before the first event is noted in words', async () => {
      const result = await runCli(['state', 'acme', '--as-of', '2019-07-01'], env);
      expect(result.stdout).toContain('note: asOf 2019-07-01T00:00:00.000Z precedes the first recorded event');
    });
  });

  describe('regledger tail --after 0', () => {
    /** Runs tail in process until it has printed `count` lines, then stops it as Ctrl-C would (cli.test.ts spawns one). */
    async function firstLines(args: string[], count: number): Promise<string[]> {
      const result = await runCli(['tail', ...args], env, {
        stopWhen: (stdout) => stdout.split('\n').length > count,
      });
      expect(result.code).toBe(0);
      return result.stdout.trimEnd().split('\n').slice(0, count);
    }

    it('--effective replays the transitions from the start', async () => {
      const lines = await firstLines(['--effective', '--after', '0', '--json'], 2);
      expect(lines.map((l) => JSON.parse(l).subjectId).sort()).toEqual(['acme', 'acme-sub']);
    });

    it('replays the ledger from the start', async () => {
      const lines = await firstLines(['--after', '0', '--json'], 1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'org.regledger.RestrictionImposed' });
    });

    it.each([
      ['a position past the newest', ['--after', '99']],
      ['an effective id past the newest position', ['--effective', '--after', '0-0-99-~']],
      ['an effective id naming a time not yet reached', ['--effective', '--after', '9999999999999999-1-0-~']],
    ])('refuses %s: it was never sent, and would skip or wait', async (_name, args) => {
      const result = await runCli(['tail', ...args], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--after');
    });

    it('refuses a position beyond what a store can hold', async () => {
      const result = await runCli(['tail', '--after', '9223372036854775808'], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--after');
    });
  });
});
