import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { ApiKeys } from './auth/api-keys.js';
import { ApiKeyGuard } from './auth/auth.guard.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { HealthController } from './health.controller.js';
import { COMMAND_HANDLERS } from './ledger/bus.js';
import { CommandExecutor } from './ledger/command-executor.js';
import { CommandGateway } from './ledger/command-gateway.js';
import { CommandsController } from './ledger/commands.controller.js';
import { EventsController } from './ledger/events.controller.js';

export interface AppModuleOptions {
  store: EventStore;
  apiKeys: ApiKeys;
}

/** The application's wiring. The store is opened and closed by whoever starts the app. */
@Module({})
export class AppModule {
  static register({ store, apiKeys }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [CommandsController, EventsController, HealthController],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: ApiKeys, useValue: apiKeys },
        { provide: CommandExecutor, useFactory: (s: EventStore) => new CommandExecutor(s), inject: [EVENT_STORE] },
        { provide: CommandGateway, useFactory: (bus: CommandBus) => new CommandGateway(bus), inject: [CommandBus] },
        ...COMMAND_HANDLERS,
        { provide: APP_GUARD, useFactory: (r: Reflector, k: ApiKeys) => new ApiKeyGuard(r, k), inject: [Reflector, ApiKeys] },
      ],
    };
  }
}
