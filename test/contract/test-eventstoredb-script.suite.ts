/**
 * `npm run test:eventstoredb` is how the contract is run against a real
 * server; here it is pointed at the wire-level test server to show that the
 * script, its jest configuration and the suite it runs work as documented.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { packageRoot } from '../../src/package-root.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';

describe('contract/test-eventstoredb-script', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'npm',
        ['run', '--silent', 'test:eventstoredb'],
        { cwd: packageRoot(), env: { ...process.env, ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
    });

  it('runs the store contract against the server EVENTSTORE_CONNECTION_STRING names', async () => {
    const server = await new EventStoreWireServer({ batchAppend: true }).start();
    try {
      const result = await run({ EVENTSTORE_CONNECTION_STRING: server.connectionString });
      expect(result.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(result.code).toBe(0);
      expect(server.calls.get('batchAppend')).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('says what is missing when no server is named', async () => {
    const result = await run({ EVENTSTORE_CONNECTION_STRING: '' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('EVENTSTORE_CONNECTION_STRING is not set');
  }, 120_000);
});
