/**
 * Ids derived from a command's canonical JSON (rerunnable imports) must not change: the derived ids of every command
 * of the demo are pinned by one digest, taken when the ledger wrote its own canonical JSON (which equalled
 * canonicalize's on 2,000 random JSON values before it was replaced by the library).
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandIdFromSource, readCommandText } from '../../src/ledger/command-gateway.js';
import { packageRoot } from '../../src/package-root.js';

describe('integrity/canonical-json', () => {
  const DEMO = join(packageRoot(), 'examples', 'huawei-2019.json');
  /** SHA-256 of the demo's derived command ids, one a line, as the ledger computed them when this test was written. */
  const DEMO_DERIVED_IDS_DIGEST = '3254a0d590e2304691b0ecd7e7ebda6634103f07600d916c23c7db1e4dffca4c';

  describe('the canonical JSON of a command', () => {
    it('gives the demo the derived command ids it always had', () => {
      const entries = readCommandText(readFileSync(DEMO, 'utf8'));
      const ids = entries.map((entry) => commandIdFromSource('import:huawei-2019.json', entry));
      expect(entries.length).toBe(7);
      expect(createHash('sha256').update(ids.join('\n')).digest('hex')).toBe(DEMO_DERIVED_IDS_DIGEST);
    });
  });
});
