import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { imposeBody } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';

/** A command whose `categories` is given twice: JSON.parse alone would keep the second and drop the first unseen. */
const twiceSaid = JSON.stringify(imposeBody({ measureId: 'twice' })).replace(
  '"categories":["exports"]',
  '"categories":["exports"],"categories":["imports"]',
);

describe('cli/import-duplicate-keys', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off' };
  });
  afterEach(() => dir.remove());

  it.each([
    ['a JSON array', 'twice.json', `[\n${JSON.stringify(imposeBody())},\n${twiceSaid}\n]\n`, 'line 3'],
    ['NDJSON', 'twice.ndjson', `${JSON.stringify(imposeBody())}\n${twiceSaid}\n`, 'line 2'],
  ])(
    'refuses %s with a key given twice, exit 2 naming the line and the field, nothing written',
    async (_, name, text, line) => {
      expect(twiceSaid).toContain('"categories":["imports"]');
      const file = join(dir.path, name);
      writeFileSync(file, text);
      const result = await runCli(['import', file], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${line}.categories is given twice`);
      expect(result.stderr).toContain('[noDuplicateKeys]');
      // The field is named once on its line, not again before a message that begins with it.
      expect(result.stderr).not.toContain(`${line}.categories: ${line}.categories`);
      expect((await runCli(['events'], env)).stdout).toBe('');
    },
  );
});
