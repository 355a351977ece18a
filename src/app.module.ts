/**
 * The application: one module per capability (ledger, queries, changes,
 * integrity, investigations, consumers, webhooks, auth, health) over the
 * shared core, and the guards every route passes, in order.
 */
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiKeys } from './auth/api-keys.js';
import { ApiKeyGuard } from './auth/auth.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { StreamTickets } from './auth/stream-tickets.js';
import { ChangesModule } from './changes/changes.module.js';
import { systemClock, type LedgerClock } from './clock.js';
import type { SseOptions } from './changes/sse-writer.js';
import { ConsumersModule } from './consumers/consumers.module.js';
import { CoreModule } from './core.module.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { HealthModule } from './health.module.js';
import { StrictQueryGuard } from './http/strict-query.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { InvestigationsModule } from './investigations/investigations.module.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { ConsistentReadGuard } from './queries/consistent-read.js';
import { QueriesModule } from './queries/queries.module.js';
import { ReadModelService } from './queries/read-model.service.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export interface AppModuleOptions {
  store: EventStore;
  apiKeys: ApiKeys;
  /** Keep the read model current (the server); the CLI's command context does without. */
  followLog?: boolean;
  clock?: LedgerClock;
  sse?: Partial<SseOptions>;
  tickets?: StreamTickets;
}

/** The capabilities, each a module declaring its controllers and providers. */
const CAPABILITIES = [
  LedgerModule,
  QueriesModule,
  ChangesModule,
  IntegrityModule,
  InvestigationsModule,
  ConsumersModule,
  // Webhook deliveries run where the log is followed (the server), not in the CLI's context.
  WebhooksModule,
  AuthModule,
  HealthModule,
];

/**
 * Every controller the application serves, as its modules declare them: their decorators also say who may call
 * each route (auth/route-access.ts), so a controller a module serves cannot be missing from the route table.
 */
export const CONTROLLERS: Type[] = CAPABILITIES.flatMap(
  (module) => (Reflect.getMetadata('controllers', module) as Type[] | undefined) ?? [],
);

/** The application's wiring. The store is opened and closed by whoever starts the app. */
@Module({})
export class AppModule {
  static register({
    store,
    apiKeys,
    followLog = true,
    clock = systemClock,
    sse = {},
    tickets = new StreamTickets(),
  }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        CoreModule.register({ store, apiKeys, clock, tickets, followLog, sse }),
        ...CAPABILITIES,
      ],
      providers: [
        { provide: APP_GUARD, useFactory: (k: ApiKeys) => new ApiKeyGuard(k), inject: [ApiKeys] },
        // After authentication: a caller without a key learns nothing about the routes' parameters.
        { provide: APP_GUARD, useClass: StrictQueryGuard },
        // After the parameters are known to be the route's: positions written through other instances are waited for.
        {
          provide: APP_GUARD,
          useFactory: (s: EventStore, r: ReadModelService) => new ConsistentReadGuard(s, r),
          inject: [EVENT_STORE, ReadModelService],
        },
      ],
    };
  }
}
