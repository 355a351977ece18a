/**
 * The OpenAPI document, built from the controllers' decorators and the
 * classes that describe their answers, and served at /docs.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { sendFile } from './http/static-files.js';
import { pathOf } from './http/request-path.js';
import { asyncApiDocument, publishAsyncApi } from './changes/asyncapi.js';
import { CONTROLLERS } from './app.module.js';
import { RouteTable } from './auth/route-access.js';
import type { LedgerConfig } from './config.js';

/** Built from the controllers' decorators alone, so the same for every app in a process (tests start hundreds). */
let built: OpenAPIObject | undefined;

export function openApiDocument(app: INestApplication): OpenAPIObject {
  built ??= buildDocument(app);
  return structuredClone(built);
}

function buildDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('regledger')
      .setDescription(
        'An event-sourced, bitemporal ledger of regulatory change. Positions and revisions are decimal strings. Every error answers {statusCode, error, message, details[{field, rule, message, value}]}.',
      )
      .setVersion('1')
      .addServer('/', 'this server')
      .addBearerAuth()
      .build(),
  );
  const access = RouteTable.fromControllers(CONTROLLERS);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      operation.parameters = headersOnce(operation.parameters ?? []);
      // Who may call the route, from the same decorators the guard reads: public routes need no key.
      const needed = access.accessFor(method, path);
      if (needed === 'public') operation.security = [];
      else if (needed) operation.security = [{ bearer: [] }];
      if (needed && needed !== 'public')
        operation.description = `${operation.description ? `${operation.description}\n\n` : ''}Needs a key with the ${needed} role (or above).`;
    }
  }
  return document;
}

type Parameter = NonNullable<OpenAPIObject['paths'][string]['get']>['parameters'] & object;

/**
 * Nest lists a header read with @Headers() as required, under the name it was
 * read by; the route's @ApiHeader says what it is. Header names are
 * case-insensitive: one entry per header, the described one, and a header
 * nothing described is optional (no route needs one to answer).
 */
function headersOnce(parameters: Parameter): Parameter {
  const described = new Set(
    parameters
      .filter((p) => 'in' in p && p.in === 'header' && p.description)
      .map((p) => ('name' in p ? p.name.toLowerCase() : '')),
  );
  return parameters
    .filter((p) => !('in' in p) || p.in !== 'header' || p.description || !described.has(p.name.toLowerCase()))
    .map((p) => ('in' in p && p.in === 'header' && !p.description ? { ...p, required: false } : p));
}

/**
 * Serves the OpenAPI document (the page at /docs, the JSON at
 * /docs/openapi.json) and prepares the AsyncAPI one from it and the
 * configuration, for the route /asyncapi.json to answer.
 */
export function setUpOpenApi(app: INestApplication, config: Pick<LedgerConfig, 'host' | 'port'>): OpenAPIObject {
  const document = openApiDocument(app);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  SwaggerModule.setup('docs', swaggerUiHost(app as NestFastifyApplication, fastify), document, {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  publishAsyncApi(
    fastify,
    asyncApiDocument({ openApiSchemas: document.components?.schemas ?? {}, host: config.host, port: config.port }),
  );
  return document;
}

/**
 * The application as SwaggerModule sees it: on Fastify it would load
 * @fastify/static for Swagger UI's files (not installed: it needs Node 22),
 * so it is shown the path it takes for other servers, and its files are
 * served here (the page, and the script that starts it, stay Swagger's).
 */
function swaggerUiHost(app: NestFastifyApplication, fastify: FastifyInstance): INestApplication {
  const adapter = app.getHttpAdapter();
  const adapterView = new Proxy(adapter, {
    get: (target, property) =>
      property === 'getType' ? () => 'files-served-by-regledger' : (Reflect.get(target, property, target) as unknown),
  });
  const useStaticAssets = (root: string, options: { prefix: string }) => {
    fastify.get(`${options.prefix}/*`, (request, reply) =>
      sendFile(request, reply, root, pathOf(request.url).slice(options.prefix.length + 1), {
        cacheControl: 'no-cache',
      }),
    );
  };
  return new Proxy(app, {
    get: (target, property) => {
      if (property === 'getHttpAdapter') return () => adapterView;
      if (property === 'useStaticAssets') return useStaticAssets;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
