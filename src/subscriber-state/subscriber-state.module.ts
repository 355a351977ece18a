/** Where webhooks and consumers keep their state: beside the ledger, in memory for the CLI's context. */
import { Module } from '@nestjs/common';
import { RUN_OPTIONS, type RunOptions } from '../core.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { SqliteSubscriberState } from './sqlite-subscriber-state.js';
import { SUBSCRIBER_STATE } from './subscriber-state.js';
import { subscriberStateFor } from './subscriber-state-for.js';

@Module({
  providers: [
    {
      provide: SUBSCRIBER_STATE,
      // The CLI's context delivers nothing and keeps no subscriber: it leaves no state file behind.
      useFactory: (store: EventStore, run: RunOptions) =>
        run.followLog ? subscriberStateFor(store) : new SqliteSubscriberState(':memory:'),
      inject: [EVENT_STORE, RUN_OPTIONS],
    },
  ],
  exports: [SUBSCRIBER_STATE],
})
export class SubscriberStateModule {}
