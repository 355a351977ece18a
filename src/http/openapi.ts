/**
 * The OpenAPI document, built from the controllers' decorators and the
 * classes that describe their answers, and served at /docs.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Express } from 'express';
import { asyncApiDocument, publishAsyncApi } from '../changes/asyncapi.js';
import { CONTROLLERS } from '../app.module.js';
import { RouteTable } from '../auth/route-access.js';
import type { LedgerConfig } from '../config.js';

export function openApiDocument(app: INestApplication): OpenAPIObject {
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
      if (needed && needed !== 'public') operation.description = `${operation.description ? `${operation.description}\n\n` : ''}Needs a key with the ${needed} role (or above).`;
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
  const described = new Set(parameters.filter((p) => 'in' in p && p.in === 'header' && p.description).map((p) => ('name' in p ? p.name.toLowerCase() : '')));
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  const express = app.getHttpAdapter().getInstance() as Express;
  publishAsyncApi(express, asyncApiDocument({ openApiSchemas: document.components?.schemas ?? {}, host: config.host, port: config.port }));
  return document;
}
