/**
 * `regledger --version` and `regledger --help`: the help lists every
 * environment variable the configuration reads, so an operator needs no
 * README to configure a container.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';
import { runCli, runCliProcess } from '../support/cli.js';

describe('ops/cli-help', () => {
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
      // Every variable any source file reads, but NO_COLOR, the terminal convention every tool honours.
      const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.ts'),
      );
      const read = sources
        .flatMap((file) =>
          [...readFileSync(join(root, 'src', file), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!),
        )
        .filter((name) => name !== 'NO_COLOR');
      expect(new Set(read).size).toBeGreaterThanOrEqual(14);
      const listed = result.stdout.slice(result.stdout.indexOf('Environment variables:'));
      for (const variable of new Set(read)) expect(listed).toMatch(new RegExp(`^  ${variable} +\\S`, 'm'));
      expect(listed).toMatch(/^Signals: SIGTERM or SIGINT/m);
      expect(listed).toMatch(/^Exit codes: .*2 bad input or configuration/m);
    });
  });
});
