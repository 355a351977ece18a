/**
 * Starting the application: the store chosen by configuration, the HTTP app
 * with its body limits, error shape and OpenAPI page, or a context without
 * HTTP for the CLI.
 */
import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'node:querystring';
import { NestFactory } from '@nestjs/core';
import { AppModule, CONTROLLERS } from './app.module.js';
import { ApiKeys, generatedAdminKey, sha256Hex } from './auth/api-keys.js';
import { authenticateFirst } from './auth/authenticate.js';
import { RouteTable, type RouteAccess } from './auth/route-access.js';
import type { ConfiguredKey, LedgerConfig } from './config.js';
import type { EventStore } from './event-store/event-store.js';
import { dataDirError } from './event-store/open-store.js';
import { ErrorFilter, fromFramework, sendError } from './http/error-response.js';
import { notePermanentFailure } from './store-failures.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { BodylessRoutes } from './http/bodyless-routes.js';
import { sendCorrelationIds } from './http/correlation-id.js';
import { registerCacheableAnswers } from './queries/cacheable-answers.js';
import { setUpOpenApi } from './openapi.js';
import { registerWebApp, WEB_APP_ROUTES, WEB_ASSETS_ROUTE } from './web/web-app.js';
import { enableCors, securityHeaders } from './http/security.js';
import type { LedgerClock } from './clock.js';
import { SSE_OPTIONS, type SseOptions } from './changes/sse-writer.js';
import { StreamTickets } from './auth/stream-tickets.js';
import { CommandExecutor } from './ledger/command-executor.js';
import type { Logger } from 'pino';
import { IntegrityService } from './integrity/integrity.service.js';
import { ReadModelService } from './queries/read-model.service.js';
import { snapshotOptions } from './queries/read-model-snapshots.js';
import { LedgerMetrics } from './observability/metrics.js';
import { requestLog } from './observability/request-log.js';
import { PinoNestLogger } from './observability/nest-logger.js';

export interface ResolvedKeys {
  apiKeys: ApiKeys;
  /** Set when no keys are configured: the generated admin key, and whether this start created it. */
  generated?: { key: string; created: boolean; path: string };
}

export function resolveKeys(config: LedgerConfig): ResolvedKeys {
  if (config.apiKeys) return { apiKeys: new ApiKeys(config.apiKeys) };
  let generated: ResolvedKeys['generated'] & object;
  try {
    generated = generatedAdminKey(config.dataDir);
  } catch (error) {
    throw dataDirError(config.dataDir, error);
  }
  const admin: ConfiguredKey = { name: 'admin', role: 'admin', sha256: sha256Hex(generated.key) };
  return { apiKeys: new ApiKeys([admin]), generated };
}

/** The API documentation, served by Swagger rather than a controller, the metrics and the web app: public. */
export const PUBLIC_PAGES: RouteAccess[] = [
  { method: 'GET', path: '/docs', access: 'public' },
  { method: 'GET', path: '/docs/*rest', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'public' },
  ...WEB_APP_ROUTES.map((path): RouteAccess => ({ method: 'GET', path, access: 'public' })),
  { method: 'GET', path: WEB_ASSETS_ROUTE.replace('*', '*rest'), access: 'public' },
];

/**
 * Fastify as Express answered before: paths case-insensitive, a trailing
 * slash allowed, path parameters of any length, and the query parsed by node:querystring (a repeated
 * parameter is an array, brackets mean nothing), which strict-query.ts checks.
 */
function fastifyAdapter(bodyLimitBytes: number): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: bodyLimitBytes,
    // A path parameter as long as the request line allows: the routes' own rules say what is too long.
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: 65_536,
      querystringParser: (query: string) => parseQuery(query),
    },
    // Each socket may take a few seconds to send its request (slowloris), as Node's own server allows.
    requestTimeout: 300_000,
    // The router's own refusals (a path that does not decode), before any hook: the one error shape too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, fromFramework(error, bodyLimitBytes)),
  });
}

export interface HttpAppOptions {
  logLevels?: LogLevel[] | false;
  clock?: LedgerClock;
  sse?: Partial<SseOptions>;
  /** Where each request, and Nest's own warnings and errors, are logged (JSON lines); Nest's console logger when absent. */
  requestLogger?: Logger;
  tickets?: StreamTickets;
}

export async function createHttpApp(
  config: LedgerConfig,
  store: EventStore,
  apiKeys: ApiKeys,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const tickets = options.tickets ?? new StreamTickets();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ store, apiKeys, clock: options.clock, sse: options.sse, tickets }),
    fastifyAdapter(config.bodyLimitBytes),
    {
      bodyParser: false,
      // A module that cannot start (a damaged subscribers file) rejects, so `serve` reports it and exits 2, not 1.
      abortOnError: false,
      logger: options.requestLogger
        ? new PinoNestLogger(options.requestLogger)
        : (options.logLevels ?? ['error', 'warn']),
    },
  );
  // Signals are the serve command's (it ends the streams first and bounds the wait): no Nest shutdown hooks.
  const metrics = new LedgerMetrics({
    store,
    readModel: app.get(ReadModelService),
    connections: app.get<SseOptions>(SSE_OPTIONS).connections,
    integrityTreeSize: async () => (await app.get(IntegrityService).current()).tree.size,
  });
  metrics.instrumentStore(store);
  metrics.instrumentCommands(app.get(CommandExecutor));
  const fastify = app.getHttpAdapter().getInstance();
  // onRequest hooks, in this order, all before the body is read.
  sendCorrelationIds(fastify);
  if (options.requestLogger) fastify.addHook('onRequest', requestLog(options.requestLogger));
  fastify.addHook('onRequest', metrics.httpTiming());
  securityHeaders(fastify);
  // Before authentication: a browser's preflight carries no key.
  await enableCors(app, config.corsOrigins);
  // Who may call what is settled before any body is read: 401 and 403 never wait on a body parser.
  fastify.addHook(
    'onRequest',
    authenticateFirst(RouteTable.fromControllers(CONTROLLERS, PUBLIC_PAGES), apiKeys, tickets),
  );
  registerBodyParsers(fastify);
  app.useGlobalInterceptors(new BodylessRoutes());
  app.useGlobalFilters(new ErrorFilter(config.bodyLimitBytes, (error) => notePermanentFailure(store, error)));
  registerWebApp(fastify);
  const readModel = app.get(ReadModelService);
  readModel.keepSnapshots(snapshotOptions(config, options.requestLogger));
  registerCacheableAnswers(fastify, () => readModel.position);
  fastify.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  setUpOpenApi(app, config);
  // Registers the command handlers on the bus before anything (the demo load) uses it.
  await app.init();
  await fastify.ready();
  return app;
}
