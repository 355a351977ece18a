/** The change feeds: ledger events and effective transitions, over SSE and in process. */
import { Logger, Module } from '@nestjs/common';
import { ConsumersModule } from '../consumers/consumers.module.js';
import { CLOCK, type LedgerClock } from '../clock.js';
import { RUN_OPTIONS, type RunOptions } from '../core.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { QueriesModule } from '../queries/queries.module.js';
import { ReadModelService } from '../queries/read-model.service.js';
import { ChangeFeedService } from './change-feed.service.js';
import { ChangesController } from './changes.controller.js';
import { DEFAULT_SSE_OPTIONS, SSE_OPTIONS, SseConnections, type SseOptions } from './sse-writer.js';

@Module({
  imports: [QueriesModule, ConsumersModule],
  controllers: [ChangesController],
  providers: [
    {
      provide: SSE_OPTIONS,
      useFactory: (run: RunOptions): SseOptions => ({
        ...DEFAULT_SSE_OPTIONS,
        onCutOff: logCutOff,
        connections: new SseConnections(),
        ...run.sse,
      }),
      inject: [RUN_OPTIONS],
    },
    {
      provide: ChangeFeedService,
      useFactory: (s: EventStore, r: ReadModelService, c: LedgerClock) => new ChangeFeedService(s, r, c),
      inject: [EVENT_STORE, ReadModelService, CLOCK],
    },
  ],
  exports: [ChangeFeedService, SSE_OPTIONS],
})
export class ChangesModule {}

const changesLogger = new Logger('Changes');
function logCutOff(resumeFrom: string): void {
  changesLogger.warn(
    `cut off a change-stream client that stopped reading; it can resume from ${resumeFrom || 'the start'}`,
  );
}
