/**
 * A stream ticket is signed, not remembered, so it outlives a restart of the
 * instance that issued it (or is taken to another). The key it was issued to
 * may have been removed meanwhile: the ticket then opens nothing, and for a
 * key whose role changed it opens what the key may open now.
 */
import { describe, expect, it } from '@jest/globals';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import { authenticate, type AuthenticatedRequest } from '../../src/auth/authenticate.js';
import { StreamTickets, TICKET_TTL_MS } from '../../src/auth/stream-tickets.js';
import type { Role } from '../../src/config.js';
import { LedgerError } from '../../src/errors.js';

const secret = Buffer.from('one secret for the instance before and after its restart');
const now = () => Date.parse('2026-11-30T00:00:00Z');
const keys = (...configured: [string, Role][]) =>
  new ApiKeys(configured.map(([name, role]) => ({ name, role, sha256: sha256Hex(`${name}-secret-value`) })));
const withTicket = (ticket: string) => ({ headers: {}, query: { ticket } }) as unknown as AuthenticatedRequest;

describe('auth/tickets-outlive-keys', () => {
  const issued = new StreamTickets(now, TICKET_TTL_MS, secret).issue({ name: 'dashboard', role: 'admin' });

  it('opens a feed as the key it was issued to while that key is configured', () => {
    const restarted = new StreamTickets(now, TICKET_TTL_MS, secret);
    expect(authenticate(withTicket(issued.ticket), keys(['dashboard', 'admin']), 'reader', restarted)).toEqual({
      name: 'dashboard',
      role: 'admin',
    });
  });

  it('opens nothing once its key is no longer configured', () => {
    const restarted = new StreamTickets(now, TICKET_TTL_MS, secret);
    const refused = () => authenticate(withTicket(issued.ticket), keys(['other', 'admin']), 'reader', restarted);
    let error: unknown;
    try {
      refused();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).message).toMatch(/"dashboard" the stream ticket was issued to is no longer known/);
  });

  it('carries the role its key has now, not the one it had when issued', () => {
    const restarted = new StreamTickets(now, TICKET_TTL_MS, secret);
    expect(authenticate(withTicket(issued.ticket), keys(['dashboard', 'reader']), 'reader', restarted).role).toBe(
      'reader',
    );
  });
});
