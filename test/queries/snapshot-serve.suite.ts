/**
 * `regledger serve` on SQLite keeps a snapshot next to the ledger file: a
 * graceful stop writes it, and the next start says it starts from it and
 * answers as before.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('queries/snapshot-serve', () => {
  const dir = tempDir();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    dir.remove();
  });

  interface Server {
    url: string;
    child: ChildProcess;
    /** Its stdout lines, as they come. */
    lines: string[];
    exited: Promise<number | null>;
  }

  async function serve(): Promise<Server> {
    const { url, output, child } = await startServer({ LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_DEMO: 'on' });
    children.push(child);
    // 'close': the process has exited and its output has all been read.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    return { url, child, lines: output, exited };
  }

  /** The messages of its JSON log lines, and its other lines as they are. */
  function messages(server: Server): string[] {
    return server.lines.map((line) => {
      try {
        return (JSON.parse(line) as { msg?: string }).msg ?? line;
      } catch {
        return line; // the banner is plain text
      }
    });
  }

  let auth: Record<string, string> = {};
  async function get(server: Server, path: string): Promise<{ status: number; body: unknown }> {
    auth = { Authorization: `Bearer ${readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim()}` };
    const response = await fetch(`${server.url}${path}`, { headers: auth });
    // `asOf`, the record time answered for, is the time of the request when none is given.
    const { asOf: _asOf, ...body } = (await response.json()) as Record<string, unknown>;
    return { status: response.status, body };
  }

  /**
   * Resolves once the server's read model has folded the log's head: the server itself holds a request with
   * `minPosition` until its model has reached that position (or answers 503 when it cannot within its bound).
   */
  async function ready(server: Server): Promise<void> {
    const health = (await (await fetch(`${server.url}/health`)).json()) as { headPosition?: string };
    expect(health.headPosition).toMatch(/^\d+$/);
    const response = await fetch(`${server.url}/v1/subjects/huawei/state?minPosition=${health.headPosition}`, {
      headers: { Authorization: `Bearer ${readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim()}` },
    });
    expect(response.status).toBe(200);
  }

  const QUERIES = [
    '/v1/subjects/huawei/state?at=2019-09-01',
    '/v1/subjects/huawei/check?category=exports&at=2019-06-01',
    '/v1/subjects/huawei/timeline',
  ];

  it('restarts from the snapshot written when it stopped, and answers the same', async () => {
    const first = await serve();
    await ready(first);
    const before = await Promise.all(QUERIES.map((q) => get(first, q)));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(messages(first)).toContainEqual(expect.stringMatching(/^wrote a snapshot at position \d+/));
    expect(existsSync(join(dir.path, 'read-model.snapshot'))).toBe(true);

    const second = await serve();
    await ready(second);
    expect(messages(second)).toContainEqual(
      expect.stringMatching(/^started from the snapshot .*read-model\.snapshot at position \d+/),
    );
    expect(messages(second).join('\n')).not.toMatch(/Loaded the demo history/);
    const after = await Promise.all(QUERIES.map((q) => get(second, q)));
    expect(after).toEqual(before);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
