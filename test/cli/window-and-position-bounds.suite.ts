/**
 * The command line refuses what the HTTP routes refuse, naming the option and
 * the rule (exit 2), rather than answering a question nobody asked: a window
 * whose end is not after its start ("not restricted between" a day and an
 * earlier one), or a position no ledger can reach (a stack trace).
 */
import { describe, expect, it } from '@jest/globals';
import { demoLedgerForCli, runCli } from '../support/cli.js';

describe('cli/window-and-position-bounds', () => {
  const demo = demoLedgerForCli();

  it.each([
    ['timeline', ['timeline', 'huawei', '--from', '2021-01-01', '--to', '2020-01-01']],
    ['timeline, an empty window', ['timeline', 'huawei', '--from', '2020-06-01', '--to', '2020-06-01']],
    ['replay in valid order', ['replay', 'huawei', '--order', 'valid', '--from', '2021-01-01', '--to', '2020-01-01']],
    ['replay in record order', ['replay', 'huawei', '--order', 'record', '--from', '2021-01-01', '--to', '2020-01-01']],
  ])('%s: a window whose end is not after its start is refused', async (_name, args) => {
    const result = await runCli(args, demo.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/to must be after from/);
  });

  it('events: a position past any ledger is refused naming --after', async () => {
    for (const after of ['9223372036854775808', '1'.repeat(40)]) {
      const result = await runCli(['events', '--after', after], demo.env);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/--after must be a ledger position/);
      expect(result.stderr).not.toMatch(/RangeError|at .*\.js/);
    }
  });

  it('events: a window of the log still reads from a position it can reach', async () => {
    const result = await runCli(['events', '--after', '3', '--limit', '2', '--json'], demo.env);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).position),
    ).toEqual(['4', '5']);
  });
});
