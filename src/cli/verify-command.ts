/**
 * `regledger verify`: recomputes every event's hash and the Merkle tree of
 * the log, and names the first event whose stored content no longer matches
 * (exit code 4), or prints the verified digest; it also names every standing
 * event that cannot be read (exit code 5 when the log is otherwise intact).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CliHost } from './io.js';
import { verifyLog } from '../integrity/log-integrity.js';
import { progressBar } from './progress.js';

export const TAMPERED_EXIT_CODE = 4;
/** The log is intact, but holds events that cannot be read (set aside by every answer until retracted). */
export const UNREADABLE_EXIT_CODE = 5;

function digestOption(value: string): { treeSize: number; rootHash: string } {
  const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(value);
  if (!match)
    throw new InvalidArgumentError(
      '--digest must be <treeSize>:<64 hex digits of the root hash>, as `verify` prints it',
    );
  return { treeSize: Number(match[1]), rootHash: match[2]!.toLowerCase() };
}

export function registerVerifyCommand(program: Command, { io, withStore }: CliHost): void {
  program
    .command('verify')
    .description(
      'check that the ledger is intact: every event against its content hash and its stream chain, and the Merkle tree of the log',
    )
    .option(
      '--digest <treeSize:rootHash>',
      'also check that the log still holds the tree of an earlier digest (nothing rewritten or removed since)',
      digestOption,
    )
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { digest?: { treeSize: number; rootHash: string }; json?: boolean }) => {
      const bar = progressBar('verifying');
      const outcome = await withStore((store) =>
        verifyLog(store, {
          ...(options.digest ? { expected: options.digest } : {}),
          onProgress: (n) => bar.update(n, n),
        }),
      ).finally(() => bar.stop());
      if (options.json) io.out(JSON.stringify(outcome, null, 2));
      else if (outcome.ok) {
        io.out(`verified: ${outcome.digest.treeSize} events, every one matching its hash and chain`);
        io.out(
          `digest:   ${outcome.digest.treeSize}:${outcome.digest.rootHash}  (up to position ${outcome.digest.position})`,
        );
      } else {
        const p = outcome.problem;
        io.err(
          `TAMPERED: ${p.eventId ? `event ${p.eventId} at position ${p.position} (${p.streamId} revision ${p.revision}): ` : ''}${p.problem}`,
        );
      }
      if (!options.json) {
        for (const e of outcome.unreadable) {
          io.err(
            `UNREADABLE: event ${e.eventId} at position ${e.position} (${e.type} of measure ${e.measureId}): ${e.reason}; answers about the measure leave it out until it is retracted`,
          );
        }
      }
      if (!outcome.ok) io.exitCode = TAMPERED_EXIT_CODE;
      else if (outcome.unreadable.length) io.exitCode = UNREADABLE_EXIT_CODE;
    });
}
