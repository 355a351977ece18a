/**
 * A refused import names each problem's line and field once: a command of a file carries its origin in both the
 * field ("line 2: subjects") and the message ("line 2: each of subjects must be…"), and the CLI printed
 * "line 2: subjects: line 2: each of subjects…".
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { imposeBody } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';

const ID_RULE =
  'each of subjects must be an id: lowercase letters, digits, . _ -; starting with a letter or digit; at most 128';

describe('cli/import-problem-lines', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
  });
  afterEach(() => dir.remove());

  const bad = JSON.stringify(imposeBody({ measureId: 'second', subjects: ['Not An Id'] }));

  it.each([
    ['NDJSON', 'bad.ndjson', `${JSON.stringify(imposeBody())}\n${bad}\n`],
    ['a JSON array', 'bad.json', `[\n${bad}\n]\n`],
  ])('prints the line of a problem in %s once, before the field', async (_, name, text) => {
    const file = join(dir.path, name);
    writeFileSync(file, text);
    const result = await runCli(['import', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toContain(`  - line 2: subjects: ${ID_RULE} [matches]`);
    expect(result.stderr).not.toMatch(/line \d+: [a-z]+: line \d+/);
    expect((await runCli(['events'], env)).stdout).toBe('');
  });

  it('keeps a message that begins with its field as it is', async () => {
    const file = join(dir.path, 'when.ndjson');
    writeFileSync(file, `${JSON.stringify(imposeBody({ effectiveFrom: 'tomorrow' }))}\n`);
    const result = await runCli(['import', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n {2}- line 1: effectiveFrom must be an ISO 8601 instant[^\n]* \[isInstant\]\n/);
  });
});
