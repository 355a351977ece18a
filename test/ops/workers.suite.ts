/**
 * LEDGER_WORKERS=2: two server processes share the port, each with its own
 * read model. A write through either is on the one ledger; a read through
 * either with the write's position as minPosition sees it; a signal stops
 * both, and the primary exits 0.
 */
import { afterAll, beforeAll, expect, it, describe } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startServer } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('ops/workers', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: { url: string; child: ChildProcess };
  let auth: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir();
    server = await startServer({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_DEMO: 'on', LEDGER_WORKERS: '2' });
    auth = { Authorization: `Bearer ${readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim()}` };
  }, 60_000);
  afterAll(() => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    for (const pid of workerPids()) process.kill(pid, 'SIGKILL');
    dir.remove();
  });

  /** The server's worker processes (Linux: their parent is the primary). */
  function workerPids(): number[] {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(server.child.pid);
        } catch {
          return false;
        }
      })
      .map(Number);
  }

  /** One request on a connection of its own, so the kernel may hand it to either worker. */
  function send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        `${server.url}${path}`,
        {
          method,
          agent: false,
          headers: { ...auth, Connection: 'close', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += String(chunk)));
          response.on('end', () =>
            resolve({ status: response.statusCode!, json: JSON.parse(text) as Record<string, unknown> }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body ? JSON.stringify(body) : undefined);
    });
  }

  it('serves from two processes: writes through either land on the one ledger, reads with minPosition see them; a signal stops both', async () => {
    expect(workerPids()).toHaveLength(2);
    const positions: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      const written = await send('POST', '/v1/commands', {
        type: 'AddSubjects',
        measureId: 'us-ear-entity-list-huawei',
        subjects: [`worker-subject-${i}`],
        effectiveFrom: '2019-06-01',
      });
      expect(written.status).toBe(201);
      positions.push(BigInt(written.json.position as string));
      const read = await send(
        'GET',
        `/v1/subjects/worker-subject-${i}/check?category=exports&at=2020-01-01&minPosition=${written.json.position as string}`,
      );
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ subjectKnown: true });
      expect(BigInt(read.json.asOfPosition as string)).toBeGreaterThanOrEqual(positions[i]!);
    }
    // Every write got its own position, in order, whichever process took it.
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(positions).size).toBe(positions.length);

    const pids = workerPids();
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
