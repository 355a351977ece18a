/**
 * `regledger check` says in words which measure no longer (or not yet) restricts the category and why, as the
 * HTTP answer's `notRestricting[]` does: a "not restricted" with nothing after it gives an auditor nothing to cite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { imposeBody } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';

describe('cli/check-text', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
    const file = join(dir.path, 'history.ndjson');
    const lines = [
      imposeBody({ measureId: 'm-narrowed', subjects: ['acme'], citation: '84 FR 1' }),
      {
        type: 'NarrowScope',
        measureId: 'm-narrowed',
        remove: ['exports/chips'],
        effectiveFrom: '2020-02-01',
        citation: '85 FR 2',
      },
      imposeBody({ measureId: 'm-lifted', subjects: ['acme'], citation: '84 FR 3' }),
      { type: 'LiftRestriction', measureId: 'm-lifted', effectiveFrom: '2020-03-01', citation: '85 FR 4' },
    ];
    writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    expect((await runCli(['import', file], env)).code).toBe(0);
  });
  afterAll(() => dir.remove());

  it('names each measure that does not restrict the category, why and since when, and their events in the basis', async () => {
    const result = await runCli(['check', 'acme', 'exports/chips', '--at', '2020-04-01'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('exports/chips: NOT-RESTRICTED');
    expect(result.stdout).toContain(
      'not restricted by m-narrowed (84 FR 1): scope narrowed to leave it out from 2020-02-01T00:00:00.000Z',
    );
    expect(result.stdout).toContain('not restricted by m-lifted (84 FR 3): lifted from 2020-03-01T00:00:00.000Z');
    // The deciding events (the narrowing and the lifting, beside the impositions) are the verdict's basis.
    expect(result.stdout).toContain(
      'basis: RestrictionImposed @1 (84 FR 1), ScopeNarrowed @2 (85 FR 2), RestrictionImposed @3 (84 FR 3), RestrictionLifted @4 (85 FR 4)',
    );
  });
});
