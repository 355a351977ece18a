import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseApiKeys } from '../../src/config.js';

describe('app/config', () => {
  describe('configuration', () => {
    it('has defaults that run on a fresh machine', () => {
      expect(loadConfig({})).toMatchObject({
        port: 3000,
        host: '127.0.0.1',
        store: 'sqlite',
        demo: true,
        apiKeys: undefined,
        bodyLimitBytes: 1024 * 1024,
        heapGrowthPercent: 30,
        shutdownGraceMs: 10_000,
      });
      expect(loadConfig({ LEDGER_SHUTDOWN_GRACE: '2500ms' }).shutdownGraceMs).toBe(2500);
      expect(loadConfig({ LEDGER_SHUTDOWN_GRACE: '30s' }).shutdownGraceMs).toBe(30_000);
      expect(loadConfig({ LEDGER_HEAP_GROWTH: '0' }).heapGrowthPercent).toBe(0);
      expect(loadConfig({}).dataDir).toMatch(/\/data$/);
    });

    it.each([
      [{ PORT: 'eighty' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ LEDGER_STORE: 'postgres' }, 'LEDGER_STORE'],
      [{ LEDGER_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
      [
        { LEDGER_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' },
        'EVENTSTORE_CONNECTION_STRING',
      ],
      [{ LEDGER_DEMO: 'yes' }, 'LEDGER_DEMO'],
      [{ LEDGER_BODY_LIMIT: 'huge' }, 'LEDGER_BODY_LIMIT'],
      [{ LEDGER_API_KEYS: 'ops:root:abc' }, 'LEDGER_API_KEYS'],
      [{ LEDGER_HEAP_GROWTH: '-5' }, 'LEDGER_HEAP_GROWTH'],
      [{ LEDGER_HEAP_GROWTH: '30%' }, 'LEDGER_HEAP_GROWTH'],
      [{ LEDGER_SHUTDOWN_GRACE: '10' }, 'LEDGER_SHUTDOWN_GRACE'],
      [{ LEDGER_SHUTDOWN_GRACE: '500ms' }, 'LEDGER_SHUTDOWN_GRACE'],
      [{ LEDGER_SHUTDOWN_GRACE: '601s' }, 'LEDGER_SHUTDOWN_GRACE'],
    ])('names the variable of an invalid value: %j', (env, variable) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`));
    });

    it('selects EventStoreDB with a connection string', () => {
      const connection = 'esdb://eventstore:2113?tls=false';
      expect(loadConfig({ LEDGER_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: connection })).toMatchObject({
        store: 'eventstoredb',
        eventStoreConnectionString: connection,
      });
    });

    it('reads API keys as name:role:sha256hex', () => {
      const hash = 'a'.repeat(64);
      expect(parseApiKeys(`ops:admin:${hash}, screening:reader:${'B'.repeat(64)}`)).toEqual([
        { name: 'ops', role: 'admin', sha256: hash },
        { name: 'screening', role: 'reader', sha256: 'b'.repeat(64) },
      ]);
      expect(() => parseApiKeys(`ops:admin:${hash},ops:reader:${hash}`)).toThrow(/unique/);
      expect(() => parseApiKeys('ops:admin:plain-key')).toThrow(/64 hex/);
    });
  });
});
