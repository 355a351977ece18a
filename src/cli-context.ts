/**
 * The application without HTTP, for the CLI's writing commands (import, the
 * demo load of workers): its own module so that they load no HTTP adapter.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ApiKeys } from './auth/api-keys.js';
import type { EventStore } from './event-store/event-store.js';

export async function createCliContext(store: EventStore): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    AppModule.register({ store, apiKeys: new ApiKeys([]), followLog: false }),
    { logger: ['error'] },
  );
}
