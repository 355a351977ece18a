#!/usr/bin/env node
/**
 * `regledger`: the command line (program.ts) run on this process, and
 * `serve`, which only a process of its own can run.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';
import type { ResolvedKeys } from '../app.js';
import { StreamTickets, TICKET_TTL_MS } from '../auth/stream-tickets.js';
import { ticketSecret } from '../auth/ticket-secret.js';
import { ConfigError, loadConfig, type LedgerConfig } from '../config.js';
import type { EventStore } from '../event-store/event-store.js';
import { openStore } from '../event-store/open-store.js';
import { logger } from '../observability/request-log.js';
import { DEMO_FILE } from '../package-root.js';
import { processIo } from './io.js';
import { runCommandLine } from './program.js';

async function serve(): Promise<void> {
  const config = loadConfig();
  // V8 lets the heap grow to about four times what it holds under a steady stream of garbage (answers, feeds): a
  // server's memory then grows with its load, not its ledger. A tighter bound costs a little more collection.
  if (config.heapGrowthPercent) setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
  const log = logger();
  // A busy port is found before the ledger is opened, let alone the demo loaded into it (by the primary, for workers).
  if (!cluster.isWorker) await portIsFree(config);
  if (config.workers > 1 && !cluster.isWorker) {
    const { serveWithWorkers } = await import('./workers.js');
    return serveWithWorkers(config, log, config.shutdownGraceMs, printBanner(config));
  }
  const store = await openStore(config);
  let app: INestApplication | undefined;
  let generated: ResolvedKeys['generated'];
  try {
    // The framework is loaded only once the port and the store are known to be usable: a failed start says so at once.
    const { createHttpApp, resolveKeys } = await import('../app.js');
    const keys = resolveKeys(config);
    generated = keys.generated;
    const tickets = new StreamTickets(Date.now, TICKET_TTL_MS, ticketSecret(config));
    app = await createHttpApp(config, store, keys.apiKeys, { requestLogger: log, tickets });
    if (config.demo && (await store.headPosition()) === 0n) {
      const { CommandGateway } = await import('../ledger/command-gateway.js');
      const { importFile } = await import('../ledger/import-file.js');
      const summary = await importFile(app.get(CommandGateway), DEMO_FILE, { actor: 'demo' });
      console.log(`Loaded the demo history: ${summary.applied} commands from ${DEMO_FILE}`);
    }
    await app.listen(config.port, config.host).catch((error: unknown) => {
      throw listenFailure(config, error);
    });
  } catch (error) {
    // Nothing may keep a server that cannot serve alive: close what was opened, then report.
    await app?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const { IntegrityService } = await import('../integrity/integrity.service.js');
  const { ReadModelService } = await import('../queries/read-model.service.js');
  // Build the Merkle tree now rather than on the first integrity request, once the read model (a snapshot) has loaded.
  const integrity = app.get(IntegrityService);
  void app
    .get(ReadModelService)
    .caughtUp()
    .then(() => integrity.current())
    .catch((error: Error) => console.error(`regledger: the integrity tree could not be built yet: ${error.message}`));
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  stopOnSignals(app, store, log, config.shutdownGraceMs);
  if (cluster.isWorker) return (await import('./workers.js')).reportListening(url);
  printBanner(config)(url, generated);
}

function printBanner(config: LedgerConfig) {
  return (url: string, generated: ResolvedKeys['generated']): void => {
    console.log(`regledger is listening on ${url}  (data: ${config.dataDir})`);
    console.log(`  API docs:  ${url}/docs`);
    if (generated?.created) {
      console.log(`  A new admin API key was generated (shown once; kept in ${generated.path}, mode 0600):`);
      console.log(`    ${generated.key}`);
    } else if (generated) {
      console.log(`  Admin API key: in ${generated.path}`);
    }
    console.log(
      `  Try:       curl -H "Authorization: Bearer $(cat ${generated?.path ?? '<key file>'})" ${url}/v1/events?limit=3`,
    );
  };
}

/**
 * LEDGER_SHUTDOWN_GRACE is the time from the signal to the exit, whatever the clients do; connections still open after
 * 70% of it are closed, so that closing the application and the store has the rest.
 */
const CONNECTION_SHARE = 0.7;

function stopOnSignals(app: INestApplication, store: EventStore, log: Logger, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(
      { signal },
      'shutting down: no new connections; change streams told to reconnect; requests in flight finishing',
    );
    // The deadline holds even if closing the store hangs.
    setTimeout(() => {
      log.error('shutdown deadline reached: exiting with work unfinished');
      log.flush();
      process.exit(0);
    }, graceMs - 250).unref();
    import('../shutdown.js')
      .then(({ shutDown }) => shutDown(app, store, Math.round(graceMs * CONNECTION_SHARE)))
      .then(
        ({ forcedConnections }) => {
          log.info(
            { forcedConnections },
            forcedConnections ? 'stopped; connections still open after the grace period were closed' : 'stopped',
          );
          log.flush(() => process.exit(0));
        },
        (error: Error) => {
          log.error({ err: error }, 'shutdown failed');
          log.flush(() => process.exit(1));
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Fails with a line naming PORT (or HOST) when the server could not listen there. */
function portIsFree(config: LedgerConfig): Promise<void> {
  if (config.port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenFailure(config, error)));
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function listenFailure(config: LedgerConfig, error: unknown): Error {
  const where = `${config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ConfigError(
        'PORT',
        `${where} is already in use by another process: stop it, or set PORT to a free port`,
      );
    case 'EACCES':
      return new ConfigError('PORT', `this user may not listen on ${where}: choose a PORT above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError(
        'HOST',
        `${config.host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0`,
      );
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

const outcome = await runCommandLine(process.argv, processIo(), serve);
process.exitCode = outcome.exitCode;
// A failure is final: a client or timer left behind by the failed start must not keep the process alive.
if (outcome.failed) setTimeout(() => process.exit(), 2000).unref();
