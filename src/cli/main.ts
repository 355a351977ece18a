#!/usr/bin/env node
/**
 * The regledger command line: serve the ledger, import command files, print
 * the log. Exit codes: 0 done, 2 bad input or configuration, or a ledger
 * file that cannot be used as it is, 3 rejected by an invariant, 1 anything
 * else.
 */
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import type { INestApplication } from '@nestjs/common';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { createCliContext, createHttpApp, openStore, resolveKeys } from '../app.js';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type LedgerConfig } from '../config.js';
import { EXIT_CODE, LedgerError } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import { StorageFailure } from '../event-store/storage-failure.js';
import { EventStoreUnreachableError } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import { CommandGateway } from '../ledger/command-gateway.js';
import { IntegrityService } from '../integrity/integrity.service.js';
import { importFile } from '../ledger/import-file.js';
import { presentEvent } from '../ledger/presenters.js';
import { DEMO_FILE, packageRoot } from '../package-root.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progressBar } from './progress.js';
import { shutDown } from '../http/shutdown.js';
import { logger } from '../observability/request-log.js';
import type { Logger } from 'pino';
import { registerQueryCommands } from './query-commands.js';
import { registerTailCommand } from './tail-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { registerInvestigateCommands } from './investigate-commands.js';
import { registerListingCommands } from './listing-commands.js';

const cliActor = () => `cli:${userInfo().username}`;

async function withStore<T>(work: (store: EventStore, config: LedgerConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

async function withGateway<T>(work: (gateway: CommandGateway, store: EventStore) => Promise<T>): Promise<T> {
  return withStore(async (store) => {
    const context = await createCliContext(store);
    try {
      return await work(context.get(CommandGateway), store);
    } finally {
      await context.close();
    }
  });
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const log = logger();
  // A busy port is found before the ledger is opened, let alone the demo loaded into it.
  await portIsFree(config);
  const store = await openStore(config);
  let app: INestApplication | undefined;
  let generated: ReturnType<typeof resolveKeys>['generated'];
  try {
    const keys = resolveKeys(config);
    generated = keys.generated;
    app = await createHttpApp(config, store, keys.apiKeys, { requestLogger: log });
    if (config.demo && (await store.headPosition()) === 0n) {
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
  // Build the Merkle tree now rather than on the first integrity request.
  void app.get(IntegrityService).current().catch((error: Error) => console.error(`regledger: the integrity tree could not be built yet: ${error.message}`));
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  stopOnSignals(app, store, log);
  console.log(`regledger is listening on ${url}  (data: ${config.dataDir})`);
  console.log(`  API docs:  ${url}/docs`);
  if (generated?.created) {
    console.log(`  A new admin API key was generated (shown once; kept in ${generated.path}, mode 0600):`);
    console.log(`    ${generated.key}`);
  } else if (generated) {
    console.log(`  Admin API key: in ${generated.path}`);
  }
  console.log(`  Try:       curl -H "Authorization: Bearer $(cat ${generated?.path ?? '<key file>'})" ${url}/v1/events?limit=3`);
}

/** Time from the signal to the exit, whatever the clients do; connections still open a little before it are closed. */
const SHUTDOWN_DEADLINE_MS = 10_000;
const CONNECTION_BUDGET_MS = 7_000;

function stopOnSignals(app: INestApplication, store: EventStore, log: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections; change streams told to reconnect; requests in flight finishing');
    // The deadline holds even if closing the store hangs.
    setTimeout(() => {
      log.error('shutdown deadline reached: exiting with work unfinished');
      log.flush();
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS - 250).unref();
    shutDown(app, store, CONNECTION_BUDGET_MS).then(
      ({ forcedConnections }) => {
        log.info({ forcedConnections }, forcedConnections ? 'stopped; connections still open after the grace period were closed' : 'stopped');
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
      return new ConfigError('PORT', `${where} is already in use by another process: stop it, or set PORT to a free port`);
    case 'EACCES':
      return new ConfigError('PORT', `this user may not listen on ${where}: choose a PORT above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError('HOST', `${config.host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

function positiveInteger(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative whole number`);
    return value;
  };
}

const program = new Command()
  .name('regledger')
  .description('An event-sourced, bitemporal ledger of regulatory change. Configured by environment variables (listed below).')
  .version(packageVersion(), '-v, --version', 'print the version and exit')
  .helpOption('-h, --help', 'print this help and exit')
  .addHelpText('after', environmentHelp())
  .showHelpAfterError()
  .exitOverride();

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The configuration variables, as `regledger --help` lists them after the commands. */
function environmentHelp(): string {
  const width = Math.max(...CONFIG_VARIABLES.map(([name]) => name.length));
  const rows = CONFIG_VARIABLES.map(([name, fallback, meaning]) => `  ${name.padEnd(width)}  ${meaning}${fallback ? ` (default ${fallback})` : ''}`);
  return `\nEnvironment variables:\n${rows.join('\n')}\n\nSignals: SIGTERM or SIGINT stops \`serve\` gracefully (change streams told to reconnect, commands in flight answered), exit 0 within 10 s.\nExit codes: 0 done, 1 unexpected failure, 2 bad input or configuration (or an unusable ledger file, port or store), 3 rejected by an invariant, 4 integrity check failed.`;
}

program
  .command('serve')
  .description('serve the HTTP API (loads the demo history into an empty ledger unless LEDGER_DEMO=off)')
  .action(serve);

program
  .command('import')
  .description('apply a command file (JSON array or NDJSON) in order; rerunning it appends nothing new')
  .argument('<file>', 'the command file')
  .action(async (file: string) => {
    const summary = await withGateway(async (gateway) => {
      const bar = progressBar('importing');
      try {
        return await importFile(gateway, file, { actor: cliActor() }, (done, total) => bar.update(done, total));
      } finally {
        bar.stop();
      }
    });
    console.log(`${summary.file}: ${summary.commands} commands, ${summary.applied} applied, ${summary.repeated} already in the ledger`);
  });

program
  .command('events')
  .description('print the log in record order')
  .option('--after <position>', 'start after this position', positiveInteger('--after'), '0')
  .option('--limit <n>', 'print at most this many events', positiveInteger('--limit'))
  .option('--json', 'one JSON object per line')
  .action(async (options: { after: string; limit?: string; json?: boolean }) => {
    await withStore(async (store) => {
      const events = await store.readAll({ after: BigInt(options.after), ...(options.limit ? { maxCount: Number(options.limit) } : {}) });
      for (const event of events) {
        if (options.json) console.log(JSON.stringify(presentEvent(event)));
        else {
          const data = event.data as { citation?: string };
          console.log(`${String(event.position).padStart(6)}  ${event.recordedAt}  ${event.streamId}@${event.revision}  ${event.type}${data.citation ? `  (${data.citation})` : ''}`);
        }
      }
    });
  });

registerQueryCommands(program, (work) => withStore((store) => work(store)));
registerTailCommand(program, (work) => withStore((store) => work(store)));
registerVerifyCommand(program, (work) => withStore((store) => work(store)));
registerInvestigateCommands(program, (work) => withStore((store) => work(store)));
registerListingCommands(program, (work) => withStore((store) => work(store)));

function exitCodeOf(error: unknown): number {
  // The ledger's file could not be opened as it is: like bad configuration, nothing was started.
  if (error instanceof StorageFailure && error.atOpen) return 2;
  if (error instanceof LedgerError) return EXIT_CODE[error.kind];
  if (error instanceof ConfigError) return 2;
  // Like bad configuration: the store named by EVENTSTORE_CONNECTION_STRING could not be used, so nothing was started.
  if (error instanceof EventStoreUnreachableError) return 2;
  return 1;
}

function report(error: unknown): void {
  if (error instanceof StorageFailure) {
    console.error(`regledger: ${error.message}`);
  } else if (error instanceof LedgerError) {
    console.error(`regledger: ${error.message}`);
    for (const detail of error.details.slice(0, 20)) console.error(`  - ${detail.field ? `${detail.field}: ` : ''}${detail.message} [${detail.rule}]`);
  } else if (error instanceof ConfigError) {
    console.error(`regledger: invalid configuration: ${error.message}`);
  } else if (error instanceof EventStoreUnreachableError) {
    // gRPC's message spans lines: the operator gets one.
    console.error(`regledger: ${error.message.replace(/\s+/g, ' ').replace(/ Resolution note:\s*$/, '').trim().replace(/\.$/, '')}; start EventStoreDB there, or set EVENTSTORE_CONNECTION_STRING to a server that answers`);
  } else {
    console.error(`regledger: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
  } else {
    report(error);
    process.exitCode = exitCodeOf(error);
    // A failure is final: a client or timer left behind by the failed start must not keep the process alive.
    setTimeout(() => process.exit(), 2000).unref();
  }
}
