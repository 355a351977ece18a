/**
 * The architecture's boundaries (.dependency-cruiser.cjs, run by `npm run lint`) fail on what they forbid: a tiny
 * project with one of each violation is cruised with the project's own rules, and each one is named.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/package-root.js';
import { tempDir } from '../support/temp-dir.js';

describe('ops/dependency-rules', () => {
  const root = packageRoot();

  const FIXTURE: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true },
    }),
    'package.json': JSON.stringify({ type: 'module', dependencies: { '@nestjs/common': '*', 'better-sqlite3': '*' } }),
    'src/domain/decide.ts': [
      "import { Injectable } from '@nestjs/common';",
      "import { readFileSync } from 'node:fs';",
      "import { LedgerError } from '../errors.js';",
      "import { fold } from '../../projections/fold.js';",
      'export const decide = [Injectable, readFileSync, LedgerError, fold];',
    ].join('\n'),
    'src/errors.ts': 'export class LedgerError extends Error {}',
    'projections/fold.ts': "import Database from 'better-sqlite3';\nexport const fold = Database;",
    'src/ledger/a.ts': "import { b } from './b.js';\nexport const a = () => b;",
    'src/ledger/b.ts': "import { a } from './a.js';\nexport const b = () => a;",
  };

  interface Violation {
    rule: { name: string; severity: string };
    from: string;
    to: string;
  }

  let violations: Violation[];
  let errors: number;
  const dir = tempDir('regledger-depcruise-');

  beforeAll(async () => {
    for (const [path, text] of Object.entries(FIXTURE)) {
      mkdirSync(join(dir.path, dirname(path)), { recursive: true });
      writeFileSync(join(dir.path, path), text);
    }
    symlinkSync(join(root, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
    const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const args = [
      cli,
      '--config',
      join(root, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
      'src',
      'projections',
    ];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: dir.path, maxBuffer: 16 << 20 });
    ({ violations, error: errors } = (
      JSON.parse(stdout) as { summary: { violations: Violation[]; error: number } }
    ).summary);
  }, 60_000);
  afterAll(() => dir.remove());

  const named = (rule: string) => violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} → ${v.to}`);

  describe('the dependency rules', () => {
    it('count as errors, which fail `npm run lint`', () => {
      expect(errors).toBe(violations.length);
    });

    it('refuse a framework in the domain', () => {
      expect(named('pure-core-no-frameworks')).toEqual([
        expect.stringMatching(/^src\/domain\/decide\.ts → .*node_modules\/@nestjs\/common\//),
      ]);
    });

    it('refuse Node I/O and database drivers in the domain and the projections', () => {
      expect(named('pure-core-no-io').map((v) => v.replace(/ → .*node_modules\//, ' → '))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^projections\/fold\.ts → better-sqlite3\//),
          'src/domain/decide.ts → fs',
        ]),
      );
      expect(named('pure-core-no-io')).toHaveLength(2);
    });

    it('refuse an import from the domain to the application around it, and allow one into projections/', () => {
      expect(named('pure-core-stays-inside')).toEqual(['src/domain/decide.ts → src/errors.ts']);
    });

    it('refuse an import cycle', () => {
      expect(named('no-cycles')).toEqual([expect.stringMatching(/^src\/ledger\/[ab]\.ts → src\/ledger\/[ab]\.ts$/)]);
      expect(violations.find((v) => v.rule.name === 'no-cycles')?.rule.severity).toBe('error');
    });
  });
});
