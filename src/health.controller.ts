import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness and the position of the newest event (no key needed)' })
  async health() {
    return { status: 'ok', headPosition: (await this.store.headPosition()).toString() };
  }
}
