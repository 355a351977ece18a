/**
 * `regledger replay` prints every stretch of valid time a record changed when
 * that is not only its own instant: an amendment effective 03-10 that ends a
 * licence on 03-20 changes nothing on 03-10 and restricts a/x from 03-20.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { runCli } from '../support/cli.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { tempDir } from '../support/temp-dir.js';

describe('cli/replay-changed-intervals', () => {
  const dir = tempDir();
  const env = { LEDGER_DATA_DIR: dir.path, LEDGER_DEMO: 'off', LEDGER_SNAPSHOTS: 'off' };

  beforeAll(async () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('m2', ['s2'], ['a'], '2019-01-01'));
    ledger.append({
      type: 'GrantExemption',
      measureId: 'm2',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01',
      effectiveUntil: '2019-04-01',
    });
    ledger.append({
      type: 'AmendExemption',
      measureId: 'm2',
      exemptionId: 'e1',
      effectiveFrom: '2019-03-10',
      effectiveUntil: '2019-03-20',
    });
    const store = new SqliteEventStore(join(dir.path, 'ledger.db'));
    for (const event of ledger.events)
      await store.append(
        event.streamId,
        [{ eventId: event.eventId, type: event.type, data: event.data, metadata: {} }],
        'any',
      );
    await store.close();
  });
  afterAll(() => dir.remove());

  describe('regledger replay', () => {
    it('prints the valid time an amendment changed away from its own instant', async () => {
      const { code, stdout } = await runCli(['replay', 's2'], env);
      expect(code).toBe(0);
      const amendment = stdout.slice(stdout.indexOf('ExemptionAmended'));
      expect(amendment).toMatch(
        /in force from 2019-03-20T00:00:00\.000Z until 2019-04-01T00:00:00\.000Z:\n\s+\+ restricted: a\/x/,
      );
    });
  });
});
