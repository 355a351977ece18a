/**
 * Who may call which route, read from the controllers' own decorators, so
 * that access is decided before a request body is read. Closed by default:
 * a route is public only when marked @Public(); a route marked neither way
 * stops start-up rather than guess.
 */
import { RequestMethod, SetMetadata, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { Role } from '../config.js';

export const ROLE_KEY = 'regledger:role';
export const PUBLIC_KEY = 'regledger:public';
export const TICKET_KEY = 'regledger:stream-ticket';

/** The least role a route needs. */
export const RequiresRole = (role: Role) => SetMetadata(ROLE_KEY, role);
/** Anyone may call the route, without a key. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The route also takes a stream ticket (`?ticket=`) in place of a key: the change feeds, for EventSource. */
export const AcceptsStreamTicket = () => SetMetadata(TICKET_KEY, true);

/** 'public', or the least role needed. */
export type Access = 'public' | Role;

export interface RouteAccess {
  method: string;
  path: string;
  access: Access;
  /** Takes `?ticket=` in place of a key. */
  ticket?: boolean;
}

interface CompiledRoute extends RouteAccess {
  pattern: RegExp;
}

/** The access rule of a handler (or of its controller), or undefined when it has none. */
export function accessOf(handler: object, controller: object): Access | undefined {
  const role = (Reflect.getMetadata(ROLE_KEY, handler) ?? Reflect.getMetadata(ROLE_KEY, controller)) as
    Role | undefined;
  if (role) return role;
  return Reflect.getMetadata(PUBLIC_KEY, handler) || Reflect.getMetadata(PUBLIC_KEY, controller) ? 'public' : undefined;
}

export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(routes: RouteAccess[]) {
    this.routes = routes.map((route) => ({ ...route, pattern: compile(route.path) }));
  }

  /** Every handler of these controllers, with its access rule. */
  static fromControllers(controllers: Type[], extra: RouteAccess[] = []): RouteTable {
    const routes: RouteAccess[] = [...extra];
    for (const controller of controllers) {
      const prefixes = paths(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const access = accessOf(handler, controller);
        for (const prefix of prefixes) {
          for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            const full = join(prefix, path);
            if (!access)
              throw new Error(
                `${controller.name}.${name} (${RequestMethod[method]} ${full}) is marked neither @RequiresRole nor @Public`,
              );
            routes.push({
              method: RequestMethod[method],
              path: full,
              access,
              ticket: Reflect.getMetadata(TICKET_KEY, handler) === true,
            });
          }
        }
      }
    }
    return new RouteTable(routes);
  }

  /** `METHOD /path` of every route anyone may call without a key. */
  publicRoutes(): string[] {
    return this.routes.filter((route) => route.access === 'public').map((route) => `${route.method} ${route.path}`);
  }

  /** The access rule of the route a request would reach, or undefined when none matches. */
  accessFor(method: string, path: string): Access | undefined {
    return this.routeFor(method, path)?.access;
  }

  /** The route a request would reach, or undefined when none matches. */
  routeFor(method: string, path: string): RouteAccess | undefined {
    const wanted = method.toUpperCase() === 'HEAD' ? ['HEAD', 'GET', 'ALL'] : [method.toUpperCase(), 'ALL'];
    return this.routes.find((route) => wanted.includes(route.method) && route.pattern.test(path));
  }
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

function join(prefix: string, path: string): string {
  return `/${[prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/**
 * Express's matching of a route path: `:name` is one segment, a `*name` wildcard
 * the rest; case-insensitive, and a trailing slash is allowed.
 */
function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith('*')) return '.*';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    })
    .join('/');
  return new RegExp(`^${source === '/' ? '' : source}/?$`, 'i');
}
