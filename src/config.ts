/**
 * Configuration from the environment (DOMAIN.md, "Configuration"). Every
 * variable has a default that runs on a fresh machine; an invalid value stops
 * start-up with a message naming the variable.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type Role = 'reader' | 'writer' | 'admin';
export const ROLES: Role[] = ['reader', 'writer', 'admin'];

export interface ConfiguredKey {
  name: string;
  role: Role;
  /** SHA-256 of the key, lowercase hex. */
  sha256: string;
}

export interface LedgerConfig {
  port: number;
  host: string;
  store: 'sqlite' | 'eventstoredb';
  dataDir: string;
  eventStoreConnectionString?: string;
  /** Undefined: none configured, so a generated admin key is used. */
  apiKeys?: ConfiguredKey[];
  demo: boolean;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Origins a browser may call the API from (CORS); `*` for any; empty for none. */
  corsOrigins: string[];
  /** Server processes sharing the port, each with its own read model (node:cluster); 1: this process alone. */
  workers: number;
  /** Where the read model's snapshot is kept; undefined: none (see src/queries/read-model-snapshots.ts). */
  snapshotDir?: string;
  /** How far the JS heap may grow past what it holds before a full collection, in percent; 0: V8's own choice. */
  heapGrowthPercent: number;
  /** From SIGTERM or SIGINT to the exit, whatever the clients do (see src/shutdown.ts). */
  shutdownGraceMs: number;
  /** Signs stream tickets (auth/ticket-secret.ts); undefined: a secret kept in the data directory. */
  ticketSecret?: string;
}

/** Every variable, for `regledger help config` (the README's Configuration table says the same). */
export const CONFIG_VARIABLES: [name: string, fallback: string, meaning: string][] = [
  ['PORT', '3000', 'HTTP port (0: any free port)'],
  ['HOST', '127.0.0.1', 'address to listen on (0.0.0.0 in a container)'],
  ['LEDGER_STORE', 'sqlite', 'sqlite (embedded) or eventstoredb'],
  ['LEDGER_DATA_DIR', './data', 'where the embedded store (ledger.db) and the generated admin key live'],
  [
    'EVENTSTORE_CONNECTION_STRING',
    '',
    'required with eventstoredb: esdb://host:2113?tls=false, or several hosts / esdb+discover://',
  ],
  [
    'LEDGER_API_KEYS',
    '',
    'comma-separated name:role:sha256hex (roles reader, writer, admin); none: a generated admin key',
  ],
  ['LEDGER_DEMO', 'on', 'on loads the demo history into an empty ledger at start; off never does'],
  ['LEDGER_BODY_LIMIT', '1mb', 'largest request body (b, kb, mb); larger ones get 413'],
  [
    'LEDGER_CORS_ORIGINS',
    '',
    'comma-separated origins browsers may call from (https://app.example.com), or *; none: no CORS',
  ],
  [
    'LEDGER_SNAPSHOT_DIR',
    '',
    'where the read model is snapshotted so a restart folds only newer events; none: LEDGER_DATA_DIR with sqlite, no snapshots with eventstoredb; off: never',
  ],
  ['LEDGER_WORKERS', '1', 'server processes sharing the port, each with its own read model (more memory, more cores)'],
  [
    'LEDGER_HEAP_GROWTH',
    '30',
    'percent the heap may grow past what it holds before a full collection (0: V8 decides; more: less GC, more memory)',
  ],
  [
    'LEDGER_SHUTDOWN_GRACE',
    '10s',
    'from SIGTERM/SIGINT to the exit (1s to 600s); connections still open after 70% of it are closed',
  ],
  [
    'LEDGER_TICKET_SECRET',
    '',
    'signs stream tickets, the same on every instance (32+ characters); none: one kept in LEDGER_DATA_DIR/ticket-secret',
  ],
  [
    'LEDGER_WEBHOOK_ALLOW',
    '',
    'hosts, addresses or CIDR ranges webhooks may reach in private networks (* any); none: public only',
  ],
  [
    'LEDGER_WEBHOOK_RETRY_SCHEDULE',
    '5s,30s,2m,10m,30m,1h,2h,4h,8h,8h',
    'the pauses before each retry of a failed webhook delivery',
  ],
  ['LEDGER_WEBHOOK_TIMEOUT', '15s', 'how long one webhook delivery attempt may take'],
  [
    'LEDGER_LEASE_TTL',
    '5s',
    'how long the instance delivering webhooks holds its lease (500ms to 600s) before another takes over',
  ],
];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('PORT', `must be a port number from 0 to 65535, got "${env.PORT}"`);

  const store = env.LEDGER_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'eventstoredb')
    throw new ConfigError('LEDGER_STORE', `must be "sqlite" or "eventstoredb", got "${store}"`);
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (store === 'eventstoredb') {
    if (!eventStoreConnectionString)
      throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when LEDGER_STORE=eventstoredb');
    if (!/^esdb(\+discover)?:\/\/[^/?]+/.test(eventStoreConnectionString)) {
      throw new ConfigError(
        'EVENTSTORE_CONNECTION_STRING',
        `must look like esdb://host:2113?tls=false or esdb+discover://host:2113, got "${eventStoreConnectionString}"`,
      );
    }
  }

  const demo = (env.LEDGER_DEMO ?? 'on').toLowerCase();
  if (demo !== 'on' && demo !== 'off')
    throw new ConfigError('LEDGER_DEMO', `must be "on" or "off", got "${env.LEDGER_DEMO}"`);

  const size = SIZE.exec(env.LEDGER_BODY_LIMIT ?? '1mb');
  if (!size)
    throw new ConfigError('LEDGER_BODY_LIMIT', `must be a size such as 512kb or 1mb, got "${env.LEDGER_BODY_LIMIT}"`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(size[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];

  const corsOrigins = (env.LEDGER_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/?#\s]+$/.test(origin)) {
      throw new ConfigError(
        'LEDGER_CORS_ORIGINS',
        `"${origin}" is not an origin: give scheme, host and port only, such as https://app.example.com or http://localhost:5173, or *`,
      );
    }
  }

  const dataDir = resolve(env.LEDGER_DATA_DIR || './data');
  const snapshotDir = snapshotDirOf(env.LEDGER_SNAPSHOT_DIR?.trim(), store, dataDir);

  return {
    port,
    host: env.HOST || '127.0.0.1',
    store,
    dataDir,
    eventStoreConnectionString,
    apiKeys: env.LEDGER_API_KEYS ? parseApiKeys(env.LEDGER_API_KEYS) : undefined,
    demo: demo === 'on',
    bodyLimitBytes: Number(size[1]) * unit,
    corsOrigins,
    workers: workersOf(env.LEDGER_WORKERS),
    heapGrowthPercent: heapGrowthOf(env.LEDGER_HEAP_GROWTH),
    shutdownGraceMs: shutdownGraceOf(env.LEDGER_SHUTDOWN_GRACE),
    snapshotDir,
    ticketSecret: ticketSecretOf(env.LEDGER_TICKET_SECRET),
  };
}

function ticketSecretOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.trim().length < 32)
    throw new ConfigError('LEDGER_TICKET_SECRET', 'must be at least 32 characters (openssl rand -base64 32 gives one)');
  return value.trim();
}

function snapshotDirOf(setting: string | undefined, store: LedgerConfig['store'], dataDir: string): string | undefined {
  if (setting === 'off') return undefined;
  if (!setting) return store === 'sqlite' ? dataDir : undefined;
  const dir = resolve(setting);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ConfigError('LEDGER_SNAPSHOT_DIR', `must be an existing directory, or off; ${dir} is not one`);
  return dir;
}

function heapGrowthOf(value: string | undefined): number {
  const percent = Number(value ?? '30');
  if (!/^\d+$/.test(value ?? '30') || percent > 1000)
    throw new ConfigError('LEDGER_HEAP_GROWTH', `must be a whole number of percent from 0 to 1000, got "${value}"`);
  return percent;
}

function shutdownGraceOf(value: string | undefined): number {
  const text = value?.trim() || '10s';
  const match = /^(\d{1,6})(ms|s)$/.exec(text);
  const ms = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
  if (!(ms >= 1000 && ms <= 600_000))
    throw new ConfigError(
      'LEDGER_SHUTDOWN_GRACE',
      `must be a duration from 1s to 600s, such as 10s or 2500ms, got "${value}"`,
    );
  return ms;
}

function workersOf(value: string | undefined): number {
  const workers = Number(value ?? '1');
  if (!/^\d+$/.test(value ?? '1') || workers < 1 || workers > 64)
    throw new ConfigError('LEDGER_WORKERS', `must be a whole number from 1 to 64, got "${value}"`);
  return workers;
}

export function parseApiKeys(text: string): ConfiguredKey[] {
  const keys = text.split(',').map((entry, index) => {
    const [name, role, sha256, ...rest] = entry.trim().split(':');
    const where = `entry ${index + 1}`;
    if (rest.length || !name || !role || !sha256)
      throw new ConfigError('LEDGER_API_KEYS', `${where} must be name:role:sha256hex`);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
      throw new ConfigError('LEDGER_API_KEYS', `${where}: name "${name}" may hold letters, digits, . _ - (at most 64)`);
    if (!ROLES.includes(role as Role))
      throw new ConfigError('LEDGER_API_KEYS', `${where}: role "${role}" must be one of ${ROLES.join(', ')}`);
    if (!/^[0-9a-fA-F]{64}$/.test(sha256))
      throw new ConfigError('LEDGER_API_KEYS', `${where}: the key's SHA-256 must be 64 hex digits`);
    return { name, role: role as Role, sha256: sha256.toLowerCase() };
  });
  const names = new Set(keys.map((k) => k.name));
  if (names.size !== keys.length) throw new ConfigError('LEDGER_API_KEYS', 'key names must be unique');
  return keys;
}
