/**
 * `regledger --version` and `regledger --help`: the help lists every
 * environment variable the configuration reads, so an operator needs no
 * README to configure a container.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';
import { runCli, runCliProcess } from '../support/cli.js';

const root = packageRoot();

describe('regledger --version and --help', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await runCliProcess(['--version'], {}); // the built binary itself, once
    expect({ code: result.code, stdout: result.stdout.trim() }).toEqual({ code: 0, stdout: version });
  });

  it('lists every environment variable the configuration reads, with its meaning, and the signals and exit codes', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    const read = [...readFileSync(join(root, 'src/config.ts'), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map(
      (m) => m[1]!,
    );
    expect(new Set(read).size).toBeGreaterThanOrEqual(9);
    const listed = result.stdout.slice(result.stdout.indexOf('Environment variables:'));
    for (const variable of new Set(read)) expect(listed).toMatch(new RegExp(`^  ${variable} +\\S`, 'm'));
    expect(listed).toMatch(/^Signals: SIGTERM or SIGINT/m);
    expect(listed).toMatch(/^Exit codes: .*2 bad input or configuration/m);
  });
});
