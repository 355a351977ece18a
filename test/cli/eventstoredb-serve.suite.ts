/**
 * `regledger serve` with LEDGER_STORE=eventstoredb: the process reaches the
 * server named by EVENTSTORE_CONNECTION_STRING, or stops with a message naming it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FILE } from '../../src/package-root.js';
import { runCli, runCliProcess, startServer } from '../support/cli.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { tempDir } from '../support/temp-dir.js';

describe('cli/eventstoredb-serve', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  describe('regledger on EventStoreDB', () => {
    it('exits non-zero, naming the connection string, when the server cannot be reached', async () => {
      const connection = 'esdb://127.0.0.1:9?tls=false';
      const result = await runCliProcess(['serve'], {
        LEDGER_DATA_DIR: dir.path,
        LEDGER_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: connection,
        PORT: '0',
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`EVENTSTORE_CONNECTION_STRING=${connection}`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });

    it('serves the demo from EventStoreDB and keeps it there across a restart', async () => {
      const eventstore = await new EventStoreWireServer({ batchAppend: true, systemEventEvery: 2 }).start();
      const env = {
        LEDGER_DATA_DIR: dir.path,
        LEDGER_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: eventstore.connectionString,
        PORT: '0',
        LEDGER_DEMO: 'on',
      };
      const demoCommands = (JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as unknown[]).length;
      try {
        for (const round of [1, 2]) {
          const server = await startServer(env);
          try {
            const key = readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim();
            const check = await (
              await fetch(`${server.url}/v1/subjects/huawei/check?category=exports&at=2019-05-18`, {
                headers: { Authorization: `Bearer ${key}` },
              })
            ).json();
            expect({ round, status: (check as { status: string }).status }).toEqual({ round, status: 'restricted' });
          } finally {
            server.child.kill('SIGTERM');
          }
        }
        // Loaded once: the second start found the ledger not empty.
        const ledger = eventstore.log.records.filter((r) => r.streamId.startsWith('measure-'));
        expect(ledger).toHaveLength(demoCommands);

        // verify works on this store too, and catches an event changed inside the server.
        expect((await runCli(['verify'], env)).code).toBe(0);
        const victim = ledger[2]!;
        victim.data = Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(victim.data).toString('utf8')), note: 'added afterwards' }),
        );
        const tampered = await runCli(['verify'], env);
        expect(tampered.code).toBe(4);
        expect(tampered.stderr).toContain(`event ${victim.eventId}`);
      } finally {
        await eventstore.stop();
      }
    });
  });
});
