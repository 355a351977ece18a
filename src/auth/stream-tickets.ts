/**
 * Stream tickets: a browser's EventSource cannot send an Authorization
 * header, and a key put in a URL ends up in proxy and access logs. A reader
 * exchanges its key for a ticket that opens one change stream (`?ticket=`),
 * once, within a minute; a logged ticket is then worth nothing.
 */
import { randomBytes } from 'node:crypto';
import type { ApiKeyIdentity } from './api-keys.js';

export const TICKET_TTL_MS = 60_000;

export interface IssuedTicket {
  ticket: string;
  expiresAt: string;
}

export class StreamTickets {
  private readonly open = new Map<string, { identity: ApiKeyIdentity; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
  ) {}

  issue(identity: ApiKeyIdentity): IssuedTicket {
    this.forgetExpired();
    const ticket = `rlt_${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.now() + this.ttlMs;
    this.open.set(ticket, { identity, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The identity the ticket was issued to, once: a used, expired or unknown ticket gives undefined. */
  redeem(ticket: string): ApiKeyIdentity | undefined {
    const entry = this.open.get(ticket);
    if (!entry) return undefined;
    this.open.delete(ticket);
    return entry.expiresAt > this.now() ? entry.identity : undefined;
  }

  get size(): number {
    return this.open.size;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [ticket, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(ticket);
  }
}
