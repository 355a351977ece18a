/** Reading: the read model folded from the log, and the point-in-time queries and listings answered from it. */
import { Module } from '@nestjs/common';
import { RUN_OPTIONS, type RunOptions } from '../core.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { WriteWatermark } from '../write-watermark.js';
import { ListingsController } from './listings.controller.js';
import { QueriesController } from './queries.controller.js';
import { ReadModelService } from './read-model.service.js';

@Module({
  controllers: [QueriesController, ListingsController],
  providers: [
    {
      provide: ReadModelService,
      useFactory: (s: EventStore, w: WriteWatermark, run: RunOptions) =>
        new ReadModelService(s, w, { follow: run.followLog }),
      inject: [EVENT_STORE, WriteWatermark, RUN_OPTIONS],
    },
  ],
  exports: [ReadModelService],
})
export class QueriesModule {}
