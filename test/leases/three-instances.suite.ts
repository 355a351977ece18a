/**
 * Three instances on one ledger (one SQLite file; one EventStoreDB, the
 * wire-level test server) deliver each webhook message once, not once each:
 * only the holder of the deliveries lease delivers. The holder is a
 * `regledger serve` process; the two others run in this process, each with
 * its own store connection and holder id (three processes would load the
 * framework three times, most of this suite's time). When the holder is
 * killed (SIGKILL: no goodbye, the lease is simply no longer
 * renewed), another instance takes the lease over once it expires and
 * delivery resumes where the dead one stopped: nothing lost, and nothing sent
 * twice beyond the one message that may have been in flight (the
 * at-least-once the webhook documentation promises). How soon depends on
 * the lease's length and on the machine's load, so it is not asserted: every
 * wait here is on a signal (a delivery, a position read), bounded only so as
 * to fail rather than hang.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SqliteLeaseStore } from '../../src/leases/sqlite-lease.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EventStoreDbLeaseStore } from '../../src/leases/eventstoredb-lease.js';
import type { LeaseStore } from '../../src/leases/lease.js';
import { DELIVERY_LEASE_NAME } from '../../src/webhooks/webhooks.service.js';
import { startServer } from '../support/cli.js';
import { createHttpApp, resolveKeys } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/event-store/open-store.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { tempDir } from '../support/temp-dir.js';
import { Receiver } from '../webhooks/receiver.js';
import { imposeBody } from '../support/commands.js';

describe('leases/three-instances', () => {
  const ADMIN = 'three-instances-admin-key';
  const WRITER = 'three-instances-writer-key';
  const sha = (key: string) => createHash('sha256').update(key).digest('hex');
  const TTL_MS = 1500;

  interface Instance {
    url: string;
    /** The `regledger serve` process, or none for an instance in this process. */
    child?: ChildProcess;
    close(): Promise<void>;
  }

  /** `regledger serve` as its own process: the one that is killed. */
  async function serveProcess(env: Record<string, string>): Promise<Instance> {
    const { url, child } = await startServer(env);
    return { url, child, close: async () => void child.kill('SIGKILL') };
  }

  /**
   * The same application in this process, on its own store connection and lease holder id: an instance like the
   * others, without paying a process's start-up (the framework's load) for each.
   */
  async function inThisProcess(env: Record<string, string>): Promise<Instance> {
    const config = loadConfig(env);
    const store = await openStore(config);
    const app = await createHttpApp(config, store, resolveKeys(config).apiKeys, { logLevels: false });
    await app.listen(0, '127.0.0.1');
    return {
      url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
      async close() {
        await app.close();
        await store.close();
      },
    };
  }

  type Ledger = { env: Record<string, string>; leases(): Promise<LeaseStore>; close(): Promise<void> };

  async function sqliteLedger(): Promise<Ledger> {
    const dir = tempDir();
    let leases: SqliteLeaseStore | undefined;
    return {
      env: { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir.path },
      async leases() {
        return (leases ??= new SqliteLeaseStore(join(dir.path, 'ledger.db')));
      },
      async close() {
        await leases?.close();
        dir.remove();
      },
    };
  }

  async function eventStoreDbLedger(): Promise<Ledger> {
    const server = await new EventStoreWireServer({ batchAppend: true }).start();
    const dir = tempDir();
    let client: EventStoreDbEventStore | undefined;
    return {
      env: {
        LEDGER_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: server.connectionString,
        LEDGER_DATA_DIR: dir.path,
      },
      async leases() {
        client ??= await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
        return new EventStoreDbLeaseStore(client.client);
      },
      async close() {
        await client?.close();
        await server.stop();
        dir.remove();
      },
    };
  }

  describe.each([
    ['SQLite', sqliteLedger],
    ['EventStoreDB', eventStoreDbLedger],
  ])('three instances on one %s ledger', (_name, openLedger) => {
    let ledger: Ledger;
    let receiver: Receiver;
    let instances: Instance[] = [];
    let revision = 0;

    beforeAll(async () => {
      ledger = await openLedger();
      receiver = await new Receiver(2).start();
      const env = {
        ...ledger.env,
        PORT: '0',
        LEDGER_DEMO: 'off',
        LEDGER_API_KEYS: `admin:admin:${sha(ADMIN)},writer:writer:${sha(WRITER)}`,
        LEDGER_WEBHOOK_ALLOW: '127.0.0.1',
        LEDGER_WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms',
        LEDGER_LEASE_TTL: `${TTL_MS}ms`,
      };
      // The lease settings and the webhook policy are read from the environment as each instance starts.
      Object.assign(process.env, env);
      // The process starts alone, so it takes the lease (an instance tries at once as it starts): the one to kill.
      // On SQLite, it creates the ledger file and the others open it.
      instances = [await serveProcess(env)];
      instances.push(await inThisProcess(env), await inThisProcess(env));
    });

    afterAll(async () => {
      await Promise.all(instances.map((instance) => instance.close()));
      await receiver?.stop();
      await ledger?.close();
    });

    const post = async (instance: Instance, path: string, key: string, body: unknown) => {
      const response = await fetch(`${instance.url}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as Record<string, unknown>;
    };
    /** One command through the instance given; answers the position it was written at. */
    const write = async (instance: Instance): Promise<string> => {
      const command =
        revision++ === 0
          ? imposeBody({ measureId: 'm', subjects: ['s0'], effectiveFrom: '2019-01-01' })
          : { type: 'AddSubjects', measureId: 'm', subjects: [`s${revision}`], effectiveFrom: '2019-01-01' };
      return (await post(instance, '/v1/commands', WRITER, command)).position as string;
    };
    const deliveredPositions = () => receiver.accepted.map((r) => JSON.parse(r.body).ledgerposition as string);

    /**
     * Resolves once every instance given has read the log up to `position` (a consistent read waits for it there). Each
     * instance's deliveries follow its own reading of the log: an instance delivering beside the holder would by then
     * have been handed every message up to `position`, and sent it.
     */
    const readUpTo = async (some: Instance[], position: string) => {
      for (const instance of some) {
        // A consistent read waits a few seconds at most, then answers 503: asked again until the instance is there.
        for (let status = 0; status !== 200;) {
          const response = await fetch(`${instance.url}/v1/events?after=${position}&minPosition=${position}`, {
            headers: { Authorization: `Bearer ${WRITER}` },
          });
          status = response.status;
          await response.arrayBuffer();
          expect([200, 503]).toContain(status);
        }
      }
    };

    it('delivers each event once, whichever instance it was written through, then survives the holder being killed', async () => {
      // Registered through the third instance, which need not be the one delivering.
      await post(instances[2]!, '/v1/webhooks', ADMIN, { url: receiver.url, feed: 'ledger', after: '0' });
      const written: string[] = [];
      for (let i = 0; i < 15; i++) written.push(await write(instances[i % 3]!));
      await receiver.until(() => receiver.accepted.length >= written.length);
      await readUpTo(instances, written.at(-1)!);
      expect(deliveredPositions()).toEqual(written);

      const leases = await ledger.leases();
      const before = (await leases.current(DELIVERY_LEASE_NAME))!;
      const [holder, ...survivors] = instances as [Instance, Instance, Instance];
      expect(before.holder.split(':')[1]).toBe(String(holder.child!.pid));

      // Killed while events keep coming: as soon as it has delivered the first of three more, with the others
      // possibly in flight; the seven written after the kill wait for the next holder.
      const sentBeforeKill = receiver.accepted.length;
      for (let i = 0; i < 3; i++) written.push(await write(survivors[i % 2]!));
      await receiver.until(() => receiver.accepted.length > sentBeforeKill);
      holder.child!.kill('SIGKILL');
      for (let i = 3; i < 10; i++) written.push(await write(survivors[i % 2]!));

      // Taken over once the lease has expired (its length, plus a renewal period for a survivor's next try): the
      // wait is generous, since on a busy machine every step of the hand-over can take a while.
      await receiver.until(() => new Set(deliveredPositions()).size >= written.length, 30_000);
      const after = (await leases.current(DELIVERY_LEASE_NAME))!;
      expect(after.holder).not.toBe(before.holder);
      expect(after.fencingToken).toBeGreaterThan(before.fencingToken);
      // Taken over by one of the two in this process (both hold ids with this process's pid).
      expect(after.holder.split(':')[1]).toBe(String(process.pid));

      await readUpTo(survivors, written.at(-1)!);
      const delivered = deliveredPositions();
      // Nothing lost, in order of first delivery; at most the one message in flight at the kill came twice.
      expect([...new Set(delivered)]).toEqual(written);
      expect(delivered.length - written.length).toBeLessThanOrEqual(1);
      expect(delivered.length).toBeGreaterThan(sentBeforeKill);
    }, 60_000);
  });
});
