import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthDto, LiveDto, ReadyDto } from './health.dto.js';
import { ApiErrors } from './http/error-response.dto.js';
import { Public } from './auth/route-access.js';
import { eventLoopDelay } from './event-loop-delay.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.js';
import { StorageFailure } from './event-store/storage-failure.js';
import { ReadModelService } from './queries/read-model.service.js';
import { permanentFailureOf } from './store-failures.js';

@ApiTags('health')
@Controller()
export class HealthController {
  private caughtUp = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ReadModelService) private readonly readModel: ReadModelService,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({
    summary:
      "Liveness, the log's head, how far the read model has folded it, and the event loop's worst delay over the last 10-20 s (no key needed); 503 with status failed and the reason when the ledger's file cannot be read",
  })
  @ApiResponse({ status: 200, type: HealthDto, description: 'ok, or catching-up while the read model folds the log' })
  @ApiResponse({
    status: 503,
    type: HealthDto,
    description: "failed: the ledger's store cannot be read, or the read model stopped on a damaged file",
  })
  @ApiErrors([400])
  async health(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthDto> {
    const folded = this.readModel.position.toString();
    let head: bigint;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      // Whatever the store failed with, health answers it: an unreachable server is a 503 with the reason, never a 500.
      response.status(503);
      return { status: 'failed', reason: storeFailureReason(error), readModelPosition: folded };
    }
    // The read model stopped on a damaged file, or a request met one: it will not mend, and queries say so (503).
    const failure = this.readModel.failure ?? permanentFailureOf(this.store)?.message;
    if (failure) {
      response.status(503);
      return {
        status: 'failed',
        reason: failure,
        headPosition: head.toString(),
        readModelPosition: folded,
      };
    }
    return {
      status: this.readModel.position >= head ? 'ok' : 'catching-up',
      headPosition: head.toString(),
      readModelPosition: folded,
      eventLoopMaxDelayMs: eventLoopDelay.recentMaxMs(),
      ...(this.store.subscriptionTrouble?.() ? { subscriptionError: this.store.subscriptionTrouble() } : {}),
    };
  }

  @Get('health/live')
  @Public()
  @ApiResponse({ status: 200, type: LiveDto })
  @ApiErrors([400])
  @ApiOperation({
    summary: 'Liveness for an orchestrator: 200 while the process answers HTTP at all (restart it when this fails)',
  })
  live() {
    return { status: 'live' };
  }

  @Get('health/ready')
  @Public()
  @ApiResponse({ status: 200, type: ReadyDto, description: 'ready' })
  @ApiResponse({ status: 503, type: ReadyDto, description: 'not ready, and why' })
  @ApiErrors([400])
  @ApiOperation({
    summary:
      'Readiness: 200 once the store answers and the read model has folded the whole log; 503 with the reason otherwise (send no traffic yet)',
  })
  async ready(@Res({ passthrough: true }) response: FastifyReply) {
    const folded = this.readModel.position;
    let head: bigint;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      response.status(503);
      return {
        status: 'not-ready',
        reason: storeFailureReason(error),
        readModelPosition: folded.toString(),
      };
    }
    // Caught up once is ready for good: a model a few events behind a busy writer must not flap out of the load balancer.
    if (folded >= head) this.caughtUp = true;
    const reason =
      this.readModel.failure ??
      permanentFailureOf(this.store)?.message ??
      (this.caughtUp ? undefined : `the read model is catching up: at ${folded} of ${head}`);
    if (reason) response.status(503);
    return {
      status: reason ? 'not-ready' : 'ready',
      ...(reason ? { reason } : {}),
      headPosition: head.toString(),
      readModelPosition: folded.toString(),
    };
  }
}

/** A StorageFailure says what to do; anything else the store threw is named as not answering. */
function storeFailureReason(error: unknown): string {
  if (error instanceof StorageFailure) return error.message;
  return `the store does not answer: ${error instanceof Error ? error.message : String(error)}`;
}
