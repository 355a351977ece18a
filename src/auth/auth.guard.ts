import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../config.js';
import { LedgerError } from '../errors.js';
import { hasRole, type ApiKeyIdentity, type ApiKeys } from './api-keys.js';

const ROLE_KEY = 'regledger:role';

/** The least role a route needs; routes without it are public. */
export const RequiresRole = (role: Role) => SetMetadata(ROLE_KEY, role);

export interface AuthenticatedRequest extends Request {
  identity?: ApiKeyIdentity;
}

export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (!needed) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new LedgerError('unauthorized', 'an API key is required: Authorization: Bearer <key>');
    const identity = this.keys.identify(match[1]!);
    if (!identity) throw new LedgerError('unauthorized', 'the API key is not known');
    if (!hasRole(identity, needed)) throw new LedgerError('forbidden', `the key "${identity.name}" has role ${identity.role}; this needs ${needed}`);
    request.identity = identity;
    return true;
  }
}
