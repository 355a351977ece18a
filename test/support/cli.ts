import { afterAll, beforeAll, expect } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_FILE } from '../../src/package-root.js';
import { tempDir } from './temp-dir.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCommandLine } from '../../src/cli/program.js';

export const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command line in this process, with the given environment on top of
 * this process's, as `regledger` would run it (the same program, exit code
 * and output; no colour, as on a pipe). `serve` needs a process: startServer.
 * A long-running command (tail) is stopped, as by Ctrl-C, once `stopWhen`
 * holds for what it has printed; without it, at once.
 */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  options: { stopWhen?: (stdout: string) => boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stop = new AbortController();
  const printed = (text: string) => {
    stdout += text;
    if (options.stopWhen?.(stdout)) stop.abort();
  };
  const io: CliIo = {
    env: { ...process.env, ...env },
    out: (text) => printed(`${text}\n`),
    write: printed,
    err: (text) => void (stderr += `${text}\n`),
    colour: false,
    stopSignal: () => (options.stopWhen ? stop.signal : AbortSignal.abort()),
    exitCode: 0,
  };
  const { exitCode } = await runCommandLine([process.execPath, CLI, ...args], io);
  return { code: exitCode, stdout, stderr };
}

/** Runs the built CLI as its own process: for what only a process shows (serve, signals, the exit itself). */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The lines a child process prints on stdout; `count(n)` resolves once there are n, and fails if it exits first. */
export function linesOf(child: ChildProcess): { lines: string[]; count(n: number): Promise<string[]> } {
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  let ended = false;
  reader.on('line', (line) => lines.push(line));
  reader.once('close', () => (ended = true));
  const count = (n: number) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => {
        if (lines.length < n) return;
        reader.off('line', check);
        reader.off('close', closed);
        resolve(lines);
      };
      const closed = () =>
        reject(new Error(`the process ended after ${lines.length} of ${n} lines: ${lines.join('\n')}`));
      reader.on('line', check);
      reader.once('close', closed);
      check();
      if (ended && lines.length < n) closed();
    });
  return { lines, count };
}

/**
 * Servers started and not yet exited. A test that times out never reaches its own `kill()`: what it started is
 * stopped when the test file's suites are done, not left running after the run.
 */
const serversRunning = new Set<ChildProcess>();
afterAll(() => {
  for (const child of serversRunning) child.kill('SIGKILL');
});

/**
 * Starts `regledger serve` and resolves once it has printed how to reach it (its last line is the curl hint).
 * `output` keeps every stdout line, also after start-up: what the server logs as it runs and stops.
 */
export function startServer(
  env: Record<string, string>,
): Promise<{ url: string; output: string[]; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serversRunning.add(child);
  child.once('exit', () => serversRunning.delete(child));
  const output: string[] = [];
  const errors: string[] = [];
  child.stderr.on('data', (chunk) => errors.push(String(chunk)));
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      output.push(line);
      url ??= /listening on (\S+)/.exec(line)?.[1];
      if (url && /^\s+Try:/.test(line)) resolve({ url, output, child });
    });
    lines.on('close', () => reject(new Error(`the server exited before listening: ${errors.join('')}`)));
  });
}

/** A fresh data directory with the demo history imported through the CLI, removed after the suite. */
export function demoLedgerForCli(): { env: Record<string, string>; dir: () => string } {
  const ledger = { env: {} as Record<string, string>, path: '' };
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    dir = tempDir();
    ledger.path = dir.path;
    ledger.env.LEDGER_DATA_DIR = dir.path;
    expect((await runCli(['import', DEMO_FILE], ledger.env)).code).toBe(0);
  });
  afterAll(() => dir?.remove());
  return { env: ledger.env, dir: () => ledger.path };
}
