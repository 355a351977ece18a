/**
 * What a command reads and where it writes: the process's environment and
 * streams when run as `regledger`, or a caller's buffers when the command
 * line runs in process (the tests).
 */
import type { EventStore } from '../event-store/event-store.js';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  /** Prints text and a newline on standard output. */
  out(text: string): void;
  /** Writes text to standard output as it is. */
  write(text: string): void;
  /** Prints text and a newline on standard error. */
  err(text: string): void;
  /** Whether output may carry terminal colours. */
  readonly colour: boolean;
  /** Aborted when a long-running command (tail) should stop: SIGINT or SIGTERM for the process. */
  stopSignal(): AbortSignal;
  /** Set by a command that finished without an error but not with success (verify's findings). */
  exitCode: number;
}

export type WithStore = <T>(work: (store: EventStore) => Promise<T>) => Promise<T>;

/** What every command is registered with. */
export interface CliHost {
  io: CliIo;
  withStore: WithStore;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => void process.stdout.write(`${text}\n`),
    write: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(`${text}\n`),
    colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    stopSignal() {
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return abort.signal;
    },
    exitCode: 0,
  };
}
