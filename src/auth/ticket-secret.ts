/**
 * The secret stream tickets are signed with (auth/stream-tickets.ts). Every
 * instance of one ledger must hold the same one: LEDGER_TICKET_SECRET when set
 * (instances on several machines), otherwise a file in the data directory,
 * made by whichever instance starts first (workers of one `serve`, instances
 * sharing a volume) and read by the others.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config.js';

export const TICKET_SECRET_FILE = 'ticket-secret';

export function ticketSecret(config: Pick<LedgerConfig, 'ticketSecret' | 'dataDir'>): Buffer {
  if (config.ticketSecret) return Buffer.from(config.ticketSecret, 'utf8');
  const path = join(config.dataDir, TICKET_SECRET_FILE);
  try {
    return readSecret(path) ?? madeOnce(path, config.dataDir);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      'LEDGER_TICKET_SECRET',
      `none is set, and ${path} cannot be read or made (${why}): set LEDGER_TICKET_SECRET, or let this user write LEDGER_DATA_DIR`,
    );
  }
}

function madeOnce(path: string, dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  // Written whole under a private name, then linked into place: an instance starting at the same moment reads either
  // no file or a complete one, and the first link wins (the loser reads the winner's secret).
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  // On disk before it is linked: a power cut must not leave an empty secret file for the next start to trip on.
  const fd = openSync(draft, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  const secret = readSecret(path);
  if (!secret)
    throw new ConfigError('LEDGER_TICKET_SECRET', `${path} holds no secret: delete it, or set LEDGER_TICKET_SECRET`);
  return secret;
}

function readSecret(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text.length < 32)
    throw new ConfigError(
      'LEDGER_TICKET_SECRET',
      `${path} holds no usable secret (32 characters or more): delete it to have a new one made, or set LEDGER_TICKET_SECRET`,
    );
  return Buffer.from(text, 'utf8');
}
