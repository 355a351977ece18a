/** Writing: commands in (HTTP, the CQRS bus, imports), events out, and the log read back page by page. */
import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { COMMAND_HANDLERS } from './bus.js';
import { CommandExecutor } from './command-executor.js';
import { CommandGateway } from './command-gateway.js';
import { CommandsController } from './commands.controller.js';
import { EventsController } from './events.controller.js';
import { WriteWatermark } from '../write-watermark.js';

@Module({
  controllers: [CommandsController, EventsController],
  providers: [
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
  ],
  exports: [CommandGateway, CommandExecutor],
})
export class LedgerModule {}
