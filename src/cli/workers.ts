/**
 * `serve` with LEDGER_WORKERS > 1: this process forks that many workers
 * (node:cluster) sharing the port, each with its own read model folding the
 * shared log; connections are spread over them. The demo history and the
 * generated key are settled here, once, before any worker starts. Writes stay
 * correct: SQLite serialises appends across processes (BEGIN IMMEDIATE), and
 * a position one worker answered is a consistency token on the others (they
 * wait for it). A signal stops every worker gracefully; the primary exits
 * once they all have. Each worker costs a whole server's memory (its read
 * model, its Node heap).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { resolveKeys } from '../app.js';
import { createCliContext } from '../cli-context.js';
import { openStore } from '../event-store/open-store.js';
import type { LedgerConfig } from '../config.js';
import { CommandGateway } from '../ledger/command-gateway.js';
import { importFile } from '../ledger/import-file.js';
import { DEMO_FILE } from '../package-root.js';

/** What a worker tells the primary once it listens. */
export interface WorkerListening {
  listening: string;
}

/** Told by a worker once it serves. */
export function reportListening(url: string): void {
  process.send?.({ listening: url } satisfies WorkerListening);
}

export async function serveWithWorkers(
  config: LedgerConfig,
  log: Logger,
  deadlineMs: number,
  banner: (url: string, generated: ReturnType<typeof resolveKeys>['generated']) => void,
): Promise<void> {
  const { generated } = resolveKeys(config);
  await loadDemoOnce(config);
  const workers = new Set<Worker>();
  let stopping = false;
  let started = false;
  const fork = () => {
    // The demo is loaded, and the port checked, here: the workers do neither.
    const worker = cluster.fork({ LEDGER_DEMO: 'off' });
    workers.add(worker);
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      log.error({ pid: worker.process.pid, code, signal }, 'a worker stopped unexpectedly');
      // One that dies while serving is replaced; one that cannot start will not start on a second try either.
      if (started) fork();
      else stopAll(1);
    });
    return worker;
  };
  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(exitCode), deadlineMs).unref();
    for (const worker of workers) worker.process.kill('SIGTERM');
    const waitForAll = setInterval(() => {
      if (workers.size) return;
      clearInterval(waitForAll);
      log.info({ workers: config.workers }, 'every worker has stopped');
      log.flush(() => process.exit(exitCode));
    }, 20);
  };
  process.on('SIGTERM', () => stopAll(0));
  process.on('SIGINT', () => stopAll(0));
  const urls = await Promise.all(
    Array.from({ length: config.workers }, () => {
      const worker = fork();
      return new Promise<string>((resolve) =>
        worker.on('message', (message: Partial<WorkerListening>) => message.listening && resolve(message.listening)),
      );
    }),
  );
  started = true;
  banner(urls[0]!, generated);
  console.log(`  Workers:   ${config.workers} processes share the port (LEDGER_WORKERS)`);
}

async function loadDemoOnce(config: LedgerConfig): Promise<void> {
  if (!config.demo) return;
  const store = await openStore(config);
  try {
    if ((await store.headPosition()) !== 0n) return;
    const context = await createCliContext(store);
    try {
      const summary = await importFile(context.get(CommandGateway), DEMO_FILE, { actor: 'demo' });
      console.log(`Loaded the demo history: ${summary.applied} commands from ${DEMO_FILE}`);
    } finally {
      await context.close();
    }
  } finally {
    await store.close();
  }
}
