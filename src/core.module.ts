/**
 * What every capability shares, given by whoever starts the application: the
 * store, the clock, the API keys, the stream tickets, the write watermark and
 * how this process runs (following the log or not, the SSE limits).
 */
import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ApiKeys } from './auth/api-keys.js';
import { StreamTickets } from './auth/stream-tickets.js';
import type { SseOptions } from './changes/sse-writer.js';
import { CLOCK, type LedgerClock } from './clock.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { WriteWatermark } from './write-watermark.js';

/** How this process runs the application. */
export interface RunOptions {
  /** Keep the read model current and deliver webhooks (the server); the CLI's command context does without. */
  followLog: boolean;
  sse: Partial<SseOptions>;
}

export const RUN_OPTIONS = Symbol('RunOptions');

export interface CoreOptions extends RunOptions {
  store: EventStore;
  apiKeys: ApiKeys;
  clock: LedgerClock;
  tickets: StreamTickets;
}

@Global()
@Module({})
export class CoreModule {
  static register({ store, apiKeys, clock, tickets, followLog, sse }: CoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: EVENT_STORE, useValue: store },
      { provide: ApiKeys, useValue: apiKeys },
      { provide: CLOCK, useValue: clock },
      { provide: StreamTickets, useValue: tickets },
      { provide: WriteWatermark, useValue: new WriteWatermark() },
      { provide: RUN_OPTIONS, useValue: { followLog, sse } satisfies RunOptions },
    ];
    return {
      module: CoreModule,
      providers,
      exports: [EVENT_STORE, ApiKeys, CLOCK, StreamTickets, WriteWatermark, RUN_OPTIONS],
    };
  }
}
