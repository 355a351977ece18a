/** Webhooks: endpoints registered by admins, each fed one of the change feeds, signed and retried. */
import { Module } from '@nestjs/common';
import { ChangeFeedService } from '../changes/change-feed.service.js';
import { ChangesModule } from '../changes/changes.module.js';
import { RUN_OPTIONS, type RunOptions } from '../core.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { SubscriberStateModule } from '../subscriber-state/subscriber-state.module.js';
import { SUBSCRIBER_STATE, type SubscriberStateStore } from '../subscriber-state/subscriber-state.js';
import { webhooksServiceFor } from './webhooks-service-for.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [SubscriberStateModule, ChangesModule],
  controllers: [WebhooksController],
  providers: [
    {
      provide: WebhooksService,
      useFactory: (state: SubscriberStateStore, feed: ChangeFeedService, store: EventStore, run: RunOptions) =>
        webhooksServiceFor(state, feed, store, run.followLog),
      inject: [SUBSCRIBER_STATE, ChangeFeedService, EVENT_STORE, RUN_OPTIONS],
    },
  ],
})
export class WebhooksModule {}
