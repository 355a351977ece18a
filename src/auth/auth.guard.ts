import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { LedgerError } from '../errors.js';
import type { ApiKeys } from './api-keys.js';
import { authenticate, type AuthenticatedRequest } from './authenticate.js';
import { accessOf } from './route-access.js';

export { RequiresRole, Public } from './route-access.js';
export type { AuthenticatedRequest } from './authenticate.js';

/**
 * The role check again, on the route Nest actually chose (authenticateFirst
 * has made it before the body was read). Closed by default: a handler marked
 * neither @RequiresRole nor @Public (one Nest serves without the route table
 * having seen it) is refused to every key.
 */
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const access = accessOf(context.getHandler(), context.getClass());
    if (access === 'public') return true;
    if (!access)
      throw new LedgerError(
        'forbidden',
        'this route is marked neither @RequiresRole nor @Public: it is served to no one',
      );
    authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>(), this.keys, access);
    return true;
  }
}
