/**
 * The one check of a request's API key against the role its route needs,
 * made before the body is read (authenticateFirst) and again by the guard.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../config.js';
import { LedgerError } from '../errors.js';
import { beforeErrorAnswer, sendError } from '../http/error-response.js';
import { pathOf } from '../http/request-path.js';
import { hasRole, type ApiKeyIdentity, type ApiKeys } from './api-keys.js';
import type { RouteTable } from './route-access.js';
import type { StreamTickets } from './stream-tickets.js';

export interface AuthenticatedRequest extends FastifyRequest {
  identity?: ApiKeyIdentity;
}

/**
 * The key's identity, when it has at least `needed` (undefined: any known
 * key); otherwise 401 or 403. Given `tickets` (a route that takes them), a
 * request without a key may present `?ticket=` instead. An identity already
 * settled for this request (before its body was read) is checked again, not
 * looked up again: a ticket is spent by its first use, and given back if the
 * request is answered with an error (a bad parameter) instead of a stream.
 */
export function authenticate(
  request: AuthenticatedRequest,
  keys: ApiKeys,
  needed: Role | undefined,
  tickets?: StreamTickets,
): ApiKeyIdentity {
  const identity = request.identity ?? identify(request, keys, tickets);
  if (needed && !hasRole(identity, needed))
    throw new LedgerError('forbidden', `the key "${identity.name}" has role ${identity.role}; this needs ${needed}`);
  request.identity = identity;
  return identity;
}

function identify(request: FastifyRequest, keys: ApiKeys, tickets?: StreamTickets): ApiKeyIdentity {
  const ticket =
    tickets && !request.headers.authorization ? (request.query as Record<string, unknown>).ticket : undefined;
  if (typeof ticket === 'string') {
    const issuedTo = tickets!.redeem(ticket);
    if (!issuedTo)
      throw new LedgerError(
        'unauthorized',
        'the stream ticket is unknown, already used or expired: get a new one from POST /v1/changes/tickets',
      );
    // Spent now, so that a second request with it is refused while this one is checked; a refusal gives it back.
    beforeErrorAnswer(request, () => tickets!.giveBack(ticket));
    // Signed tickets outlive a restart: one issued to a key since removed opens nothing, one of a key since demoted
    // opens what the key may open now.
    const identity = keys.named(issuedTo.name);
    if (!identity)
      throw new LedgerError(
        'unauthorized',
        `the key "${issuedTo.name}" the stream ticket was issued to is no longer known`,
      );
    return identity;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new LedgerError('unauthorized', 'an API key is required: Authorization: Bearer <key>');
  const identity = keys.identify(match[1]!);
  if (!identity) throw new LedgerError('unauthorized', 'the API key is not known');
  return identity;
}

/**
 * A Fastify onRequest hook, which runs before the body is read: a request
 * without a key, with an unknown one, or with too small a role is answered
 * 401 or 403 before a byte of its body is parsed. Public routes pass; a
 * request no route matches needs a known key (it will then get its 404).
 */
export function authenticateFirst(routes: RouteTable, keys: ApiKeys, tickets?: StreamTickets) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const route = routes.routeFor(request.method, pathOf(request.url));
    if (route?.access === 'public') return done();
    try {
      authenticate(request, keys, route?.access, route?.ticket ? tickets : undefined);
    } catch (error) {
      // An unread body is not worth receiving: close the connection rather than drain it.
      const length = request.headers['content-length'];
      if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'])
        reply.header('Connection', 'close');
      return sendError(reply, error);
    }
    done();
  };
}
