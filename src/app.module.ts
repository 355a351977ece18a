import { InvestigationsController } from './investigations/investigations.controller.js';
import { IntegrityController } from './integrity/integrity.controller.js';
import { IntegrityService } from './integrity/integrity.service.js';
import { Module, type DynamicModule, Logger } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { ApiKeys } from './auth/api-keys.js';
import { ApiKeyGuard } from './auth/auth.guard.js';
import { StreamTickets } from './auth/stream-tickets.js';
import { TicketsController } from './auth/tickets.controller.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { HealthController } from './health.controller.js';
import { StrictQueryGuard } from './http/strict-query.js';
import { ConsistentReadGuard } from './queries/consistent-read.js';
import { COMMAND_HANDLERS } from './ledger/bus.js';
import { CommandExecutor } from './ledger/command-executor.js';
import { CommandGateway } from './ledger/command-gateway.js';
import { CommandsController } from './ledger/commands.controller.js';
import { EventsController } from './ledger/events.controller.js';
import { WriteWatermark } from './ledger/write-watermark.js';
import { CLOCK } from './clock-token.js';
import { QueriesController } from './queries/queries.controller.js';
import { ChangeFeedService } from './changes/change-feed.service.js';
import { ChangesController } from './changes/changes.controller.js';
import { systemClock, type LedgerClock } from './changes/clock.js';
import { DEFAULT_SSE_OPTIONS, SSE_OPTIONS, SseConnections, type SseOptions } from './changes/sse-writer.js';
import { ReadModelService } from './queries/read-model.service.js';
import { SUBSCRIBER_CONTROLLERS, subscriberProviders } from './webhooks/subscribers.providers.js';
import { ListingsController } from './queries/listings.controller.js';

export interface AppModuleOptions {
  store: EventStore;
  apiKeys: ApiKeys;
  /** Keep the read model current (the server); the CLI's command context does without. */
  followLog?: boolean;
  clock?: LedgerClock;
  sse?: Partial<SseOptions>;
  tickets?: StreamTickets;
}

/** Every controller the application serves: their decorators also say who may call each route (auth/route-access.ts). */
export const CONTROLLERS = [
  CommandsController,
  EventsController,
  QueriesController,
  ListingsController,
  ChangesController,
  IntegrityController,
  InvestigationsController,
  HealthController,
  TicketsController,
  ...SUBSCRIBER_CONTROLLERS,
];

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
      imports: [CqrsModule.forRoot()],
      controllers: CONTROLLERS,
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: ApiKeys, useValue: apiKeys },
        { provide: CLOCK, useValue: clock },
        { provide: StreamTickets, useValue: tickets },
        {
          provide: SSE_OPTIONS,
          useValue: { ...DEFAULT_SSE_OPTIONS, onCutOff: logCutOff, connections: new SseConnections(), ...sse },
        },
        {
          provide: ChangeFeedService,
          useFactory: (s: EventStore, r: ReadModelService, c: LedgerClock) => new ChangeFeedService(s, r, c),
          inject: [EVENT_STORE, ReadModelService, CLOCK],
        },
        { provide: WriteWatermark, useValue: new WriteWatermark() },
        { provide: IntegrityService, useFactory: (s: EventStore) => new IntegrityService(s), inject: [EVENT_STORE] },
        {
          provide: ReadModelService,
          useFactory: (s: EventStore, w: WriteWatermark) => new ReadModelService(s, w, { follow: followLog }),
          inject: [EVENT_STORE, WriteWatermark],
        },
        {
          provide: CommandExecutor,
          useFactory: (s: EventStore, w: WriteWatermark) => new CommandExecutor(s, w),
          inject: [EVENT_STORE, WriteWatermark],
        },
        {
          provide: CommandGateway,
          useFactory: (bus: CommandBus, s: EventStore, e: CommandExecutor) => new CommandGateway(bus, s, e),
          inject: [CommandBus, EVENT_STORE, CommandExecutor],
        },
        ...COMMAND_HANDLERS,
        // Webhook deliveries run where the log is followed (the server), not in the CLI's context.
        ...subscriberProviders(store, followLog),
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

const changesLogger = new Logger('Changes');
function logCutOff(resumeFrom: string): void {
  changesLogger.warn(
    `cut off a change-stream client that stopped reading; it can resume from ${resumeFrom || 'the start'}`,
  );
}
