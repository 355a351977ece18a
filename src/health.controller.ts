import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { eventLoopDelay } from './event-loop-delay.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { ReadModelService } from './queries/read-model.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ReadModelService) private readonly readModel: ReadModelService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: "Liveness, the log's head, how far the read model has folded it, and the event loop's worst delay over the last 10-20 s (no key needed)" })
  async health() {
    const head = await this.store.headPosition();
    const folded = this.readModel.position;
    return {
      status: folded >= head ? 'ok' : 'catching-up',
      headPosition: head.toString(),
      readModelPosition: folded.toString(),
      eventLoopMaxDelayMs: eventLoopDelay.recentMaxMs(),
    };
  }
}
