/**
 * `regledger serve` on a ledger file, directory or port it cannot use stops
 * at once with exit code 2 and one line that names the file or variable and
 * says what to do: no stack trace, no new ledger over an existing file, no
 * process left alive without listening. (A page of garbage mid-file takes
 * the same path as truncation: test/store/damaged-files.suite.ts has both.)
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CLI, type CliResult } from '../support/cli.js';
import { truncateToHalf, writeLedger } from '../support/damage.js';
import { tempDir } from '../support/temp-dir.js';

describe('app/startup-failures', () => {
  let dir: ReturnType<typeof tempDir>;
  let dataDir: string;
  let ledger: string;
  beforeEach(() => {
    dir = tempDir();
    dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    ledger = join(dataDir, 'ledger.db');
  });
  afterEach(() => dir.remove());

  /** `regledger serve` until it exits (a server that starts is a failed test: it is killed after 20 s). */
  function serve(env: Record<string, string>, as?: { uid: number; gid: number }): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'serve'],
        { env: { ...process.env, LEDGER_DATA_DIR: dataDir, PORT: '0', ...env }, timeout: 20_000, ...as },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  function expectOneLine(result: CliResult, line: RegExp): void {
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
    expect(result.stdout).not.toContain('listening');
    expect(result.stdout).not.toContain('demo');
  }

  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  describe('a ledger file that exists but cannot be used', () => {
    it('zero-length: refused, and left empty rather than made a new ledger with the demo in it', async () => {
      writeFileSync(ledger, '');
      expectOneLine(
        await serve({}),
        new RegExp(`^regledger: ${escaped(ledger)} is empty \\(0 bytes\\).*delete it to start an empty ledger$`),
      );
      expect(statSync(ledger).size).toBe(0);
    });

    it('truncated: refused as damaged', async () => {
      await writeLedger(ledger);
      truncateToHalf(ledger);
      expectOneLine(
        await serve({}),
        new RegExp(`^regledger: ${escaped(ledger)} is damaged \\(.+\\): restore it from a backup`),
      );
    });

    it('not a database: refused, and left as it was', async () => {
      writeFileSync(ledger, 'not a ledger\n'.repeat(1000));
      expectOneLine(
        await serve({}),
        new RegExp(
          `^regledger: ${escaped(ledger)} is not a regledger ledger \\(it does not start with the SQLite header\\)`,
        ),
      );
      expect(readFileSync(ledger, 'utf8')).toBe('not a ledger\n'.repeat(1000));
    });
  });

  describe('a data directory that cannot be used', () => {
    it('under a regular file: names LEDGER_DATA_DIR and the path', async () => {
      const file = join(dir.path, 'a-file');
      writeFileSync(file, '');
      const result = await serve({ LEDGER_DATA_DIR: join(file, 'data') });
      expectOneLine(
        result,
        new RegExp(
          `^regledger: invalid configuration: LEDGER_DATA_DIR: ${escaped(join(file, 'data'))} cannot hold the ledger: .*\\(ENOTDIR\\)`,
        ),
      );
    });

    it('read-only for the user running the server: names LEDGER_DATA_DIR and the path', async () => {
      // root writes anywhere, so the server runs as the unprivileged "nobody" on a directory only root may write.
      chmodSync(dir.path, 0o755);
      chmodSync(dataDir, 0o555);
      const result = await serve({}, { uid: 65534, gid: 65534 });
      expectOneLine(
        result,
        new RegExp(
          `^regledger: invalid configuration: LEDGER_DATA_DIR: ${escaped(dataDir)} cannot hold the ledger: this user may not write there \\(EACCES\\)`,
        ),
      );
    });
  });

  describe('a busy port', () => {
    it('names PORT, exits 2, and stays no longer', async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = taken.address() as AddressInfo;
        const result = await serve({ PORT: String(port), HOST: '127.0.0.1' });
        expectOneLine(
          result,
          new RegExp(
            `^regledger: invalid configuration: PORT: 127\\.0\\.0\\.1:${port} is already in use by another process: stop it, or set PORT to a free port$`,
          ),
        );
      } finally {
        taken.close();
      }
    });
  });

  describe('an EventStoreDB that cannot be reached', () => {
    it('names EVENTSTORE_CONNECTION_STRING, says what to do, exits 2', async () => {
      const result = await serve({
        LEDGER_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:9?tls=false',
      });
      expectOneLine(
        result,
        /^regledger: cannot reach EventStoreDB at EVENTSTORE_CONNECTION_STRING=esdb:\/\/127\.0\.0\.1:9\?tls=false: .+; start EventStoreDB there, or set EVENTSTORE_CONNECTION_STRING to a server that answers$/,
      );
    });
  });
});
