/**
 * API keys: configured as name:role:sha256 (the plain key never sits in
 * configuration). With none configured, the first start generates an admin
 * key, keeps it in the data directory (mode 0600) and reports it once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfiguredKey, Role } from '../config.js';

export interface ApiKeyIdentity {
  name: string;
  role: Role;
}

export const GENERATED_KEY_FILE = 'admin-api-key';

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };

export function hasRole(identity: ApiKeyIdentity, needed: Role): boolean {
  return RANK[identity.role] >= RANK[needed];
}

export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class ApiKeys {
  private readonly byHash: Map<string, ApiKeyIdentity>;

  constructor(keys: ConfiguredKey[]) {
    this.byHash = new Map(keys.map((k) => [k.sha256, { name: k.name, role: k.role }]));
  }

  identify(presentedKey: string): ApiKeyIdentity | undefined {
    return this.byHash.get(sha256Hex(presentedKey));
  }

  /** The key of this name as configured now (a ticket names the key it was issued to), if it still is. */
  named(name: string): ApiKeyIdentity | undefined {
    for (const identity of this.byHash.values()) if (identity.name === name) return identity;
    return undefined;
  }
}

/** The admin key of a ledger without configured keys: read back, or generated on the first start. */
export function generatedAdminKey(dataDir: string): { key: string; created: boolean; path: string } {
  const path = join(dataDir, GENERATED_KEY_FILE);
  if (existsSync(path)) return { key: readFileSync(path, 'utf8').trim(), created: false, path };
  mkdirSync(dataDir, { recursive: true });
  const key = `rl_${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true, path };
}
