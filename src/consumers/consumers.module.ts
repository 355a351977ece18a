/** Named consumers of the ledger feed and the positions they acknowledged. */
import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { SubscriberStateModule } from '../subscriber-state/subscriber-state.module.js';
import { SUBSCRIBER_STATE, type SubscriberStateStore } from '../subscriber-state/subscriber-state.js';
import { ConsumersController } from './consumers.controller.js';
import { Consumers } from './consumers.js';

@Module({
  imports: [SubscriberStateModule],
  controllers: [ConsumersController],
  providers: [
    {
      provide: Consumers,
      useFactory: (state: SubscriberStateStore, store: EventStore) => new Consumers(state, store),
      inject: [SUBSCRIBER_STATE, EVENT_STORE],
    },
  ],
  exports: [Consumers],
})
export class ConsumersModule {}
