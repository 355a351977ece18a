/**
 * The regledger command line as a function of its arguments and its I/O:
 * `regledger` runs it on the process (main.ts), tests run it in process.
 * Exit codes: 0 done, 2 bad input or configuration, or a ledger file that
 * cannot be used as it is, 3 rejected by an invariant, 4 and 5 verify's
 * findings, 1 anything else.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../config.js';
import { EXIT_CODE, LedgerError, type ErrorDetail } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import { EventStoreUnreachableError } from '../event-store/eventstoredb/unreachable.js';
import { openStore } from '../event-store/open-store.js';
import { StorageFailure } from '../event-store/storage-failure.js';
import type { CommandGateway } from '../ledger/command-gateway.js';
import { presentEvent } from '../ledger/presenters.js';
import { packageRoot } from '../package-root.js';
import { registerInvestigateCommands } from './investigate-commands.js';
import type { CliHost, CliIo } from './io.js';
import { registerListingCommands } from './listing-commands.js';
import { progressBar } from './progress.js';
import { registerQueryCommands } from './query-commands.js';
import { registerTailCommand } from './tail-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { strictOptions } from './strict-options.js';
import { storedProvenance } from '../domain/fact-reading.js';
import { positionParam } from '../queries/positions.js';

export interface CommandLineOutcome {
  exitCode: number;
  /** True when a command failed (rather than ending with a finding or a usage message). */
  failed: boolean;
}

const cliActor = () => `cli:${userInfo().username}`;

/** Runs one command line (`argv` as process.argv: node, script, arguments). `serve` is given by the process only. */
export async function runCommandLine(
  argv: string[],
  io: CliIo,
  serve?: () => Promise<void>,
): Promise<CommandLineOutcome> {
  try {
    await buildProgram(io, serve).parseAsync(argv);
    return { exitCode: io.exitCode, failed: false };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return { exitCode: code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2, failed: false };
    }
    report(io, error);
    return { exitCode: exitCodeOf(error), failed: true };
  }
}

/** The whole command line, every option held to the rules of strict-options.ts. */
export function buildProgram(io: CliIo, serve?: () => Promise<void>): Command {
  const withStore = async <T>(work: (store: EventStore) => Promise<T>): Promise<T> => {
    const store = await openStore(loadConfig(io.env));
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };
  const withGateway = <T>(work: (gateway: CommandGateway) => Promise<T>): Promise<T> =>
    withStore(async (store) => {
      // The framework is loaded only by the commands that write: queries and --help start without it.
      const { createCliContext } = await import('../cli-context.js');
      const { CommandGateway } = await import('../ledger/command-gateway.js');
      const context = await createCliContext(store);
      try {
        return await work(context.get(CommandGateway));
      } finally {
        await context.close();
      }
    });
  const host: CliHost = { io, withStore };

  const program = new Command()
    .name('regledger')
    .description(
      'An event-sourced, bitemporal ledger of regulatory change. Configured by environment variables (listed below).',
    )
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .addHelpText('after', environmentHelp())
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => io.write(text), writeErr: (text) => io.err(text.replace(/\n$/, '')) })
    .exitOverride();

  program
    .command('serve')
    .description('serve the HTTP API (loads the demo history into an empty ledger unless LEDGER_DEMO=off)')
    .action(async () => {
      if (!serve) throw new Error('serve runs only as its own process: `regledger serve`');
      await serve();
    });

  program
    .command('import')
    .description('apply a command file (JSON array or NDJSON) in order; rerunning it appends nothing new')
    .argument('<file>', 'the command file')
    .action(async (file: string) => {
      const summary = await withGateway(async (gateway) => {
        const bar = progressBar('importing');
        try {
          const { importFile } = await import('../ledger/import-file.js');
          return await importFile(gateway, file, { actor: cliActor() }, (done, total) => bar.update(done, total));
        } finally {
          bar.stop();
        }
      });
      io.out(
        `${summary.file}: ${summary.commands} commands, ${summary.applied} applied, ${summary.repeated} already in the ledger`,
      );
    });

  program
    .command('events')
    .description('print the log in record order')
    .option('--after <position>', 'start after this position', ledgerPosition('--after'), '0')
    .option('--limit <n>', 'print at most this many events (1 or more)', countAtLeastOne('--limit'))
    .option('--json', 'one JSON object per line')
    .action(async (options: { after: string; limit?: string; json?: boolean }) => {
      await withStore(async (store) => {
        const events = await store.readAll({
          after: BigInt(options.after),
          ...(options.limit ? { maxCount: Number(options.limit) } : {}),
        });
        for (const event of events) {
          if (options.json) io.out(JSON.stringify(presentEvent(event)));
          else {
            const { citation } = storedProvenance(event.data);
            io.out(
              `${String(event.position).padStart(6)}  ${event.recordedAt}  ${event.streamId}@${event.revision}  ${event.type}${citation ? `  (${citation})` : ''}`,
            );
          }
        }
      });
    });

  registerQueryCommands(program, host);
  registerTailCommand(program, host);
  registerVerifyCommand(program, host);
  registerInvestigateCommands(program, host);
  registerListingCommands(program, host);
  strictOptions(program);
  return program;
}

/** A ledger position, as the HTTP routes take one (no larger than a position can be). */
function ledgerPosition(name: string) {
  return (value: string) => {
    const problems: ErrorDetail[] = [];
    if (positionParam(name, value, problems) === undefined || problems.length)
      throw new InvalidArgumentError(problems[0]?.message ?? `${name} must be a ledger position`);
    return value;
  };
}

/** A count from 1, as HTTP's `limit` (a count of 0 would print nothing and say nothing of why). */
function countAtLeastOne(name: string) {
  return (value: string) => {
    if (/^\d{1,9}$/.test(value) && Number(value) >= 1) return value;
    const message = `${name} must be a whole number from 1 to 999999999`;
    throw new LedgerError('bad-input', message, [{ field: name, rule: 'isInRange', message, value }]);
  };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The configuration variables, as `regledger --help` lists them after the commands. */
function environmentHelp(): string {
  const width = Math.max(...CONFIG_VARIABLES.map(([name]) => name.length));
  const rows = CONFIG_VARIABLES.map(
    ([name, fallback, meaning]) => `  ${name.padEnd(width)}  ${meaning}${fallback ? ` (default ${fallback})` : ''}`,
  );
  return `\nEnvironment variables:\n${rows.join('\n')}\n\nSignals: SIGTERM or SIGINT stops \`serve\` gracefully (change streams told to reconnect, commands in flight answered), exit 0 within LEDGER_SHUTDOWN_GRACE.\nExit codes: 0 done, 1 unexpected failure, 2 bad input or configuration (or an unusable ledger file, port or store), 3 rejected by an invariant, 4 integrity check failed, 5 the log is intact but holds events that cannot be read (verify).`;
}

function exitCodeOf(error: unknown): number {
  // The ledger's file could not be opened as it is: like bad configuration, nothing was started.
  if (error instanceof StorageFailure && error.atOpen) return 2;
  if (error instanceof LedgerError) return EXIT_CODE[error.kind];
  if (error instanceof ConfigError) return 2;
  // Like bad configuration: the store named by EVENTSTORE_CONNECTION_STRING could not be used, so nothing was started.
  if (error instanceof EventStoreUnreachableError) return 2;
  return 1;
}

function report(io: CliIo, error: unknown): void {
  if (error instanceof StorageFailure) {
    io.err(`regledger: ${error.message}`);
  } else if (error instanceof LedgerError) {
    io.err(`regledger: ${error.message}`);
    for (const detail of error.details.slice(0, 20)) io.err(`  - ${detailLine(detail)} [${detail.rule}]`);
  } else if (error instanceof ConfigError) {
    io.err(`regledger: invalid configuration: ${error.message}`);
  } else if (error instanceof EventStoreUnreachableError) {
    // gRPC's message spans lines: the operator gets one.
    io.err(
      `regledger: ${error.message
        .replace(/\s+/g, ' ')
        .replace(/ Resolution note:\s*$/, '')
        .trim()
        .replace(/\.$/, '')}; start EventStoreDB there, or set EVENTSTORE_CONNECTION_STRING to a server that answers`,
    );
  } else {
    io.err(`regledger: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/**
 * One problem as a line: the field, then what is wrong with it, each said once. Most messages begin with the field
 * they are about ("at must be…"). A command of a file or a batch carries its origin in both ("line 2: subjects" and
 * "line 2: each of subjects must be…"): the origin is given once, with the field.
 */
function detailLine(detail: ErrorDetail): string {
  const { field, message } = detail;
  if (!field || message.startsWith(field)) return message;
  const origin = /^(line \d+|\[\d+\]): /.exec(message)?.[1];
  if (origin && (field.startsWith(`${origin}: `) || field.startsWith(`${origin}.`)))
    return `${field}: ${message.slice(origin.length + 2)}`;
  return `${field}: ${message}`;
}
