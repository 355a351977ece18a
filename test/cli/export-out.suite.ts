/**
 * `regledger export --out` to a path that cannot be written is a usage error:
 * one line naming the path, exit 2, no stack trace; and it is found before the
 * ledger is read.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { demoLedgerForCli, runCli } from '../support/cli.js';

describe('cli/export-out', () => {
  const { env, dir } = demoLedgerForCli();

  it('exits 2 with one line naming a path in a missing directory, or a directory', async () => {
    const missing = join(dir(), 'missing', 'dir', 'x.md');
    const result = await runCli(['export', 'huawei', '--format', 'md', '--out', missing], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `regledger: --out ${missing} cannot be written (its directory ${join(dir(), 'missing', 'dir')} does not exist): give a file in an existing directory`,
    ]);
    expect(existsSync(missing)).toBe(false);

    const directory = await runCli(['export', 'huawei', '--out', dir()], env);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/^regledger: --out .* cannot be written \(it is a directory\)/);
    expect(directory.stderr).not.toMatch(/\n\s+at /);
  });
});
