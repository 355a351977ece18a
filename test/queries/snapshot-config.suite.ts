/** Where the read model's snapshot is kept (LEDGER_SNAPSHOT_DIR), and when there is none. */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { snapshotOptions } from '../../src/queries/read-model-snapshots.js';
import { tempDir } from '../support/temp-dir.js';

describe('queries/snapshot-config', () => {
  const ESDB = { LEDGER_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' };

  describe('LEDGER_SNAPSHOT_DIR', () => {
    it('defaults to the data directory with the embedded store, and to none with EventStoreDB', () => {
      const dir = tempDir();
      try {
        const config = loadConfig({ LEDGER_DATA_DIR: dir.path });
        expect(config.snapshotDir).toBe(dir.path);
        expect(snapshotOptions(config)?.path).toBe(join(dir.path, 'read-model.snapshot'));
        expect(loadConfig({ ...ESDB, LEDGER_DATA_DIR: dir.path }).snapshotDir).toBeUndefined();
        expect(loadConfig({ ...ESDB, LEDGER_SNAPSHOT_DIR: dir.path }).snapshotDir).toBe(dir.path);
        expect(loadConfig({ LEDGER_DATA_DIR: dir.path, LEDGER_SNAPSHOT_DIR: 'off' }).snapshotDir).toBeUndefined();
      } finally {
        dir.remove();
      }
    });

    it('must name an existing directory', () => {
      const error = (() => {
        try {
          loadConfig({ LEDGER_SNAPSHOT_DIR: '/no/such/snapshot/dir' });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/^LEDGER_SNAPSHOT_DIR: must be an existing directory/);
    });

    it('keeps no snapshot where the data directory does not exist (a store in memory)', () => {
      expect(snapshotOptions(loadConfig({ LEDGER_DATA_DIR: '/nonexistent' }))).toBeUndefined();
    });
  });
});
