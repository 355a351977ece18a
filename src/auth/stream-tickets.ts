/**
 * Stream tickets: a browser's EventSource cannot send an Authorization
 * header, and a key put in a URL ends up in proxy and access logs. A reader
 * exchanges its key for a ticket that opens one change stream (`?ticket=`),
 * within a minute; a logged ticket is then soon worth nothing.
 *
 * A ticket is signed, not remembered: HMAC-SHA256 over its purpose, the key's
 * name and role, its expiry and a nonce, under a secret every instance of the
 * ledger shares (auth/ticket-secret.ts). Any instance behind a load balancer
 * accepts a ticket another issued, without shared memory. Each instance spends
 * a ticket on its first use (it remembers the nonce until the expiry), and
 * gives it back if that use is answered with an error rather than a stream
 * (a bad `after`, an unknown consumer): a refused request opened nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '../config.js';
import type { ApiKeyIdentity } from './api-keys.js';

export const TICKET_TTL_MS = 60_000;
const PREFIX = 'rlt_';
/** Signed into every ticket, so a MAC made for another purpose with the same secret is never a ticket. */
const PURPOSE = 'regledger stream ticket v1';

export interface IssuedTicket {
  ticket: string;
  expiresAt: string;
}

interface TicketClaims {
  /** The key's name. */
  k: string;
  r: Role;
  /** Expiry, ms since the epoch. */
  e: number;
  n: string;
}

export class StreamTickets {
  /** Nonces of tickets spent here, with their expiry: a spent ticket stays refused until it expires anyway. */
  private readonly spent = new Map<string, number>();

  /** Without a secret, a random one: tickets then open feeds on this process alone. */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
    private readonly secret: Buffer = randomBytes(32),
  ) {}

  issue(identity: ApiKeyIdentity): IssuedTicket {
    const claims: TicketClaims = {
      k: identity.name,
      r: identity.role,
      e: this.now() + this.ttlMs,
      n: randomBytes(12).toString('base64url'),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { ticket: `${PREFIX}${payload}.${this.mac(payload)}`, expiresAt: new Date(claims.e).toISOString() };
  }

  /** The identity the ticket was issued to, once: a used, expired, forged or unknown ticket gives undefined. */
  redeem(ticket: string): ApiKeyIdentity | undefined {
    const claims = this.verified(ticket);
    if (!claims) return undefined;
    const now = this.now();
    this.forgetExpired(now);
    if (claims.e <= now || this.spent.has(claims.n)) return undefined;
    this.spent.set(claims.n, claims.e);
    return { name: claims.k, role: claims.r };
  }

  /** Makes a ticket spent by a request that opened nothing usable again (until its expiry, as before). */
  giveBack(ticket: string): void {
    const claims = this.verified(ticket);
    if (claims) this.spent.delete(claims.n);
  }

  /** Spent tickets remembered (until they expire). */
  get size(): number {
    return this.spent.size;
  }

  private verified(ticket: string): TicketClaims | undefined {
    const match = /^rlt_([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!match) return undefined;
    const [, payload, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(payload));
    if (!timingSafeEqual(expected, Buffer.from(mac))) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TicketClaims>;
      const wellFormed =
        typeof claims.k === 'string' &&
        ROLES.includes(claims.r as Role) &&
        Number.isSafeInteger(claims.e) &&
        typeof claims.n === 'string';
      return wellFormed ? (claims as TicketClaims) : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PURPOSE}\n${payload}`).digest('base64url');
  }

  private forgetExpired(now: number): void {
    for (const [nonce, expiresAt] of this.spent) if (expiresAt <= now) this.spent.delete(nonce);
  }
}
