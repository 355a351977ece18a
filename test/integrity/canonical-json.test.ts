/**
 * Ids derived from a command's canonical JSON (rerunnable imports) must not change when the canonical form is
 * produced by another implementation: the derived ids of every command of the demo are pinned by one digest.
 */
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, readCommandText } from '../../src/ledger/command-gateway.js';
import { derivedCommandId } from '../../src/ledger/event-ids.js';
import { packageRoot } from '../../src/package-root.js';

const DEMO = join(packageRoot(), 'examples', 'huawei-2019.json');
/** SHA-256 of the demo's derived command ids, one a line, as the ledger computed them when this test was written. */
const DEMO_DERIVED_IDS_DIGEST = '3254a0d590e2304691b0ecd7e7ebda6634103f07600d916c23c7db1e4dffca4c';

describe('the canonical JSON of a command', () => {
  it('is what the canonicalize library (RFC 8785) writes, on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalize(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the demo the derived command ids it always had', () => {
    const entries = readCommandText(readFileSync(DEMO, 'utf8'));
    const ids = entries.map((entry) =>
      derivedCommandId(`import:huawei-2019.json ${entry.origin}`, canonicalize(entry.body)!),
    );
    expect(entries.length).toBe(7);
    expect(createHash('sha256').update(ids.join('\n')).digest('hex')).toBe(DEMO_DERIVED_IDS_DIGEST);
  });
});
