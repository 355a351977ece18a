/**
 * Imports a command file (a JSON array or NDJSON) through the command
 * handlers: validated whole first, applied in order, stopping at the first
 * rejection. Commands without a commandId get one derived from the file's
 * name, their line and their content, so importing a file again appends nothing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LedgerError } from '../errors.js';
import type { CommandContext } from './command-executor.js';
import { readCommandText, type BatchOptions, type CommandGateway } from './command-gateway.js';

export interface ImportSummary {
  file: string;
  commands: number;
  applied: number;
  repeated: number;
  lastPosition?: string;
}

export async function importFile(
  gateway: CommandGateway,
  file: string,
  context: CommandContext,
  onApplied?: BatchOptions['onApplied'],
): Promise<ImportSummary> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LedgerError('bad-input', `cannot read ${file}: ${(error as Error).message}`, [
      { field: 'file', rule: 'readable', message: (error as Error).message },
    ]);
  }
  const entries = readCommandText(text);
  const outcome = await gateway.executeBatch(entries, context, {
    deriveCommandIdsFrom: `import:${basename(file)}`,
    onApplied,
  });
  if (outcome.failure) {
    const { origin, error } = outcome.failure;
    throw new LedgerError(
      error.kind,
      `${file} ${origin}: ${error.message} (${outcome.results.length} command(s) before it were applied)`,
      error.details,
    );
  }
  const repeated = outcome.results.filter((r) => r.repeated).length;
  return {
    file,
    commands: entries.length,
    applied: outcome.results.length - repeated,
    repeated,
    lastPosition: outcome.results[outcome.results.length - 1]?.position,
  };
}
