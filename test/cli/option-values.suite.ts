/**
 * Every option of every command is read as HTTP reads a query parameter: an
 * empty value (`--at "$UNSET"`) is refused naming the option and the rule
 * `isNotEmpty` (exit 2), never answered "as of now" or "from the start"; an
 * option given twice is refused (`repeatedParameter`), never answered for the
 * last; a count is 1 or more (`isInRange`), as HTTP's `limit`. The commands
 * and their options are read from the program itself, so an option added
 * later is covered without a change here.
 */
import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { demoLedgerForCli, runCli } from '../support/cli.js';

/** A value each option takes once without complaint, by its name: an option missing here fails the suite, to be added. */
const VALID: Record<string, string> = {
  '--at': '2020-01-01',
  '--as-of': '2030-01-01',
  '--as-of-position': '1',
  '--from': '2019-01-01',
  '--to': '2021-01-01',
  '--after': '1',
  '--limit': '2',
  '--prefix': 'hua',
  '--order': 'valid',
  '--format': 'json',
  '--categories': 'exports',
  '--out': '/dev/null',
  '--digest': `1:${'0'.repeat(64)}`,
  '--subject': 'huawei',
};

interface ValueOption {
  command: string;
  /** The command's arguments, each given a placeholder. */
  args: string[];
  long: string;
  variadic: boolean;
}

function valueOptions(): ValueOption[] {
  const program: Command = buildProgram({
    env: {},
    out: () => undefined,
    write: () => undefined,
    err: () => undefined,
    colour: false,
    stopSignal: () => AbortSignal.abort(),
    exitCode: 0,
  });
  return program.commands.flatMap((command) =>
    command.options
      .filter((option) => option.required || option.optional)
      .map((option) => ({
        command: command.name(),
        args: command.registeredArguments.map(() => 'huawei'),
        long: option.long!,
        variadic: option.variadic,
      })),
  );
}

describe('cli/option-values', () => {
  const demo = demoLedgerForCli();
  const options = valueOptions();
  const label = (o: ValueOption) => `${o.command} ${o.long}`;

  it('finds the options to check, and a valid value for each', () => {
    expect(options.map(label)).toEqual(expect.arrayContaining(['state --at', 'events --limit', 'subjects --prefix']));
    expect(options.filter((o) => VALID[o.long] === undefined).map(label)).toEqual([]);
  });

  it.each(options.map((o) => [label(o), o] as const))('%s "": refused, isNotEmpty, exit 2', async (_label, o) => {
    for (const given of [[o.long, ''], [`${o.long}=`]]) {
      const result = await runCli([o.command, ...o.args, ...given], demo.env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`  - ${o.long} is empty`);
      expect(result.stderr).toContain('[isNotEmpty]');
    }
  });

  it.each(options.filter((o) => !o.variadic).map((o) => [label(o), o] as const))(
    '%s given twice: refused, repeatedParameter, exit 2',
    async (_label, o) => {
      const value = VALID[o.long]!;
      const result = await runCli([o.command, ...o.args, o.long, value, o.long, value], demo.env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`  - ${o.long} is given more than once`);
      expect(result.stderr).toContain('[repeatedParameter]');
    },
  );

  it('answers as before for an option given once, and gathers a list option given twice', async () => {
    const once = await runCli(['state', 'huawei', '--at', '2020-01-01', '--json'], demo.env);
    expect(once.code).toBe(0);
    expect(JSON.parse(once.stdout)).toMatchObject({ subjectId: 'huawei' });
    const listed = await runCli(
      ['tail', '--after', '0', '--subject', 'huawei', '--subject', 'acme', '--json'],
      demo.env,
    );
    expect(listed).toMatchObject({ code: 0, stderr: '' });
  });

  it('a count is 1 or more, as HTTP limit: events --limit 0 is refused, not an empty answer', async () => {
    for (const args of [
      ['events', '--limit', '0'],
      ['subjects', '--limit', '0'],
      ['measures', '--limit', '0'],
    ]) {
      const result = await runCli(args, demo.env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/limit must be a whole number from 1 to \d+/);
      expect(result.stderr).toContain('[isInRange]');
    }
    const one = await runCli(['events', '--limit', '1', '--json'], demo.env);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
  });
});
