import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FILE } from '../../src/package-root.js';
import { CLI, demoLedgerForCli, linesOf, runCli, startServer } from '../support/cli.js';
import { imposeBody } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';

describe('cli/cli', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
  });
  afterEach(() => dir.remove());

  const demoCommandCount = (JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as unknown[]).length;

  describe('regledger import', () => {
    it('imports the demo file, and importing it again appends nothing', async () => {
      const first = await runCli(['import', DEMO_FILE], env);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain(`${demoCommandCount} commands, ${demoCommandCount} applied`);
      const again = await runCli(['import', DEMO_FILE], env);
      expect(again.stdout).toContain(`0 applied, ${demoCommandCount} already in the ledger`);
      const events = await runCli(['events', '--json'], env);
      const lines = events.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(demoCommandCount);
      expect(lines[0]).toMatchObject({
        type: 'RestrictionImposed',
        position: '1',
        metadata: { actor: expect.stringMatching(/^cli:/) },
      });
    });

    it('gives commands without a commandId derived ones, so NDJSON files are rerunnable too', async () => {
      const file = join(dir.path, 'commands.ndjson');
      writeFileSync(
        file,
        [
          imposeBody(),
          { type: 'AddSubjects', measureId: imposeBody().measureId, subjects: ['late'], effectiveFrom: '2019-08-19' },
        ]
          .map((c) => JSON.stringify(c))
          .join('\n'),
      );
      expect((await runCli(['import', file], env)).stdout).toContain('2 applied');
      expect((await runCli(['import', file], env)).stdout).toContain('0 applied, 2 already');
    });

    it('exits 2 on bad input, naming the line, with nothing written', async () => {
      const file = join(dir.path, 'bad.ndjson');
      writeFileSync(
        file,
        `${JSON.stringify(imposeBody())}\n\n${JSON.stringify(imposeBody({ effectiveFrom: 'tomorrow', measureId: 'x' }))}\n`,
      );
      const result = await runCli(['import', file], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 3: effectiveFrom');
      expect((await runCli(['events'], env)).stdout).toBe('');
    });

    it('exits 2 on text holding an unpaired surrogate, naming the line and the field, with nothing written', async () => {
      const file = join(dir.path, 'lone.ndjson');
      // JSON.stringify writes the lone surrogate as its \u escape: valid JSON, but not Unicode text.
      writeFileSync(
        file,
        `${JSON.stringify(imposeBody())}\n${JSON.stringify(imposeBody({ measureId: 'y', note: 'n\ud800' }))}\n`,
      );
      const result = await runCli(['import', file], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 2: note');
      expect(result.stderr).toContain('[wellFormedUnicode]');
      expect((await runCli(['events'], env)).stdout).toBe('');
    });

    it('exits 3 at the first invariant rejection, naming its line, keeping what came before', async () => {
      const file = join(dir.path, 'rejected.json');
      const commands = [
        imposeBody(),
        { type: 'LiftRestriction', measureId: 'ghost', effectiveFrom: '2020-01-01' },
        imposeBody({ measureId: 'never' }),
      ];
      writeFileSync(file, JSON.stringify(commands, null, 2));
      const result = await runCli(['import', file], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/line \d+: measure ghost does not exist/);
      expect(result.stderr).toContain('[measure-exists]');
      const events = (await runCli(['events', '--json'], env)).stdout.trim().split('\n');
      expect(events).toHaveLength(1);
    });

    it('exits 2 on a missing file or a bad option, 1 on other failures', async () => {
      expect((await runCli(['import', join(dir.path, 'missing.json')], env)).code).toBe(2);
      expect((await runCli(['events', '--after', 'x'], env)).code).toBe(2);
      expect((await runCli(['nonsense'], env)).code).toBe(2);
    });

    it('stops with a message naming the variable when configuration is invalid', async () => {
      const result = await runCli(['events'], { ...env, LEDGER_STORE: 'postgres' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('LEDGER_STORE');
    });
  });

  describe('regledger serve', () => {
    it('loads the demo into an empty ledger, generates an admin key once, and serves it', async () => {
      const server = await startServer({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_DEMO: 'on' });
      try {
        const keyFile = join(dir.path, 'admin-api-key');
        const key = readFileSync(keyFile, 'utf8').trim();
        expect(statSync(keyFile).mode & 0o777).toBe(0o600);
        expect(server.output.join('\n')).toContain(key);
        const health = await (await fetch(`${server.url}/health`)).json();
        expect(health).toMatchObject({ headPosition: String(demoCommandCount) });
        const events = (await (
          await fetch(`${server.url}/v1/events`, { headers: { Authorization: `Bearer ${key}` } })
        ).json()) as { events: unknown[] };
        expect(events.events[0]).toMatchObject({ type: 'RestrictionImposed', data: { citation: '84 FR 22961' } });
      } finally {
        server.child.kill('SIGTERM');
      }
      const restarted = await startServer({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_DEMO: 'on' });
      try {
        const key = readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim();
        expect(restarted.output.join('\n')).not.toContain(key);
        const health = (await (await fetch(`${restarted.url}/health`)).json()) as { headPosition: string };
        expect(health.headPosition).toBe(String(demoCommandCount));
      } finally {
        restarted.child.kill('SIGTERM');
      }
    });
  });

  describe('regledger queries', () => {
    // One demo ledger for the block: its tests only read (rebuild folds the same log again).
    const demo = demoLedgerForCli();

    it('answers state, check and timeline readably and as JSON', async () => {
      const state = await runCli(['state', 'huawei', '--at', '2019-06-30', '--json'], demo.env);
      expect(state.code).toBe(0);
      const answer = JSON.parse(state.stdout);
      expect(answer).toMatchObject({
        subjectId: 'huawei',
        restricted: [{ measureId: 'us-ear-entity-list-huawei', categories: ['exports'] }],
      });
      expect(answer.pending.map((p: { announcementId: string }) => p.announcementId)).toEqual(['g20-osaka-2019']);

      const check = await runCli(['check', 'huawei', 'exports/5g-standards', '--at', '2019-08-19'], demo.env);
      expect(check.stdout).toContain('exports/5g-standards: RESTRICTED');
      expect(check.stdout).toContain('84 FR 22961');
      const before = await runCli(
        ['check', 'huawei', 'exports/5g-standards', '--at', '2019-08-18', '--json'],
        demo.env,
      );
      expect(JSON.parse(before.stdout).status).toBe('not-restricted');

      const timeline = await runCli(['timeline', 'huawei'], demo.env);
      expect(timeline.stdout).toContain('2019-05-16T20:15:00.000Z → 2019-05-20T00:00:00.000Z');
      expect(timeline.stdout).toContain('why: RestrictionImposed @1 (84 FR 22961)');
    });

    it('answers as known at an earlier position', async () => {
      const early = JSON.parse(
        (
          await runCli(
            ['check', 'huawei-affiliate-aug-01', 'exports', '--at', '2019-09-01', '--as-of-position', '4', '--json'],
            demo.env,
          )
        ).stdout,
      );
      expect(early.status).toBe('not-restricted');
    });

    it('exits 2 on a bad query, naming the field', async () => {
      const result = await runCli(['check', 'huawei', 'Exports'], demo.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('category');
      expect((await runCli(['state', 'huawei', '--at', 'someday'], demo.env)).stderr).toContain('at must be');
    });

    it('rebuilds the read model and reports its speed', async () => {
      const result = await runCli(['rebuild', '--json'], demo.env);
      expect(JSON.parse(result.stdout)).toMatchObject({
        events: demoCommandCount,
        measures: 1,
        eventsPerSecond: expect.any(Number),
      });
    });
  });

  describe('regledger tail', () => {
    it('prints the log from a position, then changes appended by another process, until stopped', async () => {
      expect((await runCli(['import', DEMO_FILE], env)).code).toBe(0);
      const child = spawn(
        process.execPath,
        [CLI, 'tail', '--after', '0', '--json', '--subject', 'huawei-affiliate-aug-01'],
        { env: { ...process.env, ...env } },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const printed = linesOf(child);
      const lines = await printed.count(3);
      expect(lines.map((l) => JSON.parse(l).ledgerposition)).toEqual(['5', '6', '7']);
      const file = join(dir.path, 'more.ndjson');
      writeFileSync(
        file,
        JSON.stringify({
          type: 'RemoveSubjects',
          measureId: 'us-ear-entity-list-huawei',
          subjects: ['huawei-affiliate-aug-01'],
          effectiveFrom: '2020-06-01',
        }),
      );
      expect((await runCli(['import', file], env)).code).toBe(0);
      await printed.count(4);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(JSON.parse(lines[3]!)).toMatchObject({ type: 'org.regledger.SubjectsRemoved', ledgerposition: '8' });
    });
  });
});
