import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyRouteErrors } from '../http/error-response.dto.js';
import { ApiEventStream, LAST_EVENT_ID, MIN_POSITION } from './dto/event-stream.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { RequiresRole } from '../auth/auth.guard.js';
import { AcceptsStreamTicket, Public } from '../auth/route-access.js';
import type { ErrorDetail } from '../errors.js';
import { throwIfProblems } from '../queries/knowledge.js';
import { publishedAsyncApi, type AsyncApiDocument } from './asyncapi.js';
import { ChangeFeedService } from './change-feed.service.js';
import { effectiveResume, feedMinPosition, ledgerFilter, ledgerResume, subjectFilter } from './feed-params.js';
import { SSE_OPTIONS, SseWriter, type SseOptions } from './sse-writer.js';
import { consumerParam, Consumers } from '../consumers/consumers.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { notePermanentFailure } from '../store-failures.js';
import { feedFailure } from './feed-failure.js';
import { sharedJson } from './shared-json.js';
import { transitionJson } from './effective-feed.js';

@ApiTags('changes')
@Controller()
export class ChangesController {
  constructor(
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(SSE_OPTIONS) private readonly options: SseOptions,
    @Inject(Consumers) private readonly consumers: Consumers,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** A feed that failed once streaming says so in its last message (see feed-failure.ts); /health learns of a damaged file. */
  private failed(writer: SseWriter, error: unknown): void {
    notePermanentFailure(this.store, error);
    const { body, retryMs } = feedFailure(error, writer.feed);
    writer.fail(body, retryMs);
  }

  @Get('v1/changes')
  @RequiresRole('reader')
  @AcceptsStreamTicket()
  @ApiQuery({
    name: 'ticket',
    required: false,
    description: 'a stream ticket from POST /v1/changes/tickets, in place of Authorization (for EventSource)',
  })
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Ledger events as Server-Sent Events of CloudEvents 1.0; `id:` is the ledger position. Resume with Last-Event-ID or ?after (0 replays everything); no parameter starts from now.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'a ledger position; 0 replays everything' })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  @ApiQuery({ name: 'measure', required: false, description: 'comma-separated measure ids' })
  @ApiQuery({
    name: 'type',
    required: false,
    description: 'comma-separated event types, e.g. SubjectsAdded or org.regledger.SubjectsAdded',
  })
  @ApiQuery({
    name: 'consumer',
    required: false,
    description:
      'a consumer name: without Last-Event-ID or after, resumes after its last acknowledged position (POST /v1/consumers/{name}/ack), or from the start',
  })
  @ApiHeader(LAST_EVENT_ID('a ledger position'))
  @ApiHeader(MIN_POSITION)
  @ApiEventStream(
    'CloudEvents 1.0 of ledger events (AsyncAPI: /asyncapi.json, channel ledgerChanges); `id:` is the ledger position',
  )
  @ApiKeyRouteErrors()
  async changes(
    @Res() reply: FastifyReply,
    @Query() query: { after?: string; subject?: string; measure?: string; type?: string; consumer?: string },
    @Headers('last-event-id') lastEventId?: string,
    @Headers('x-min-position') minPosition?: string,
  ) {
    // Everything is checked before the stream starts: after that, an error can no longer be a 400.
    const problems: ErrorDetail[] = [];
    feedMinPosition(minPosition, problems);
    const filter = ledgerFilter(query, problems);
    let after =
      lastEventId !== undefined
        ? ledgerResume('Last-Event-ID', lastEventId, problems)
        : ledgerResume('after', query.after, problems);
    const consumer = consumerParam('consumer', query.consumer, problems);
    await this.feed.checkResume(lastEventId !== undefined ? 'Last-Event-ID' : 'after', after, problems);
    throwIfProblems(problems);
    if (after === undefined && consumer !== undefined) after = await this.consumers.resumeFrom(consumer);
    // "From now" is fixed before the stream opens: whatever is appended once the client has its headers is sent.
    after ??= await this.feed.ledgerHead();
    const response = takeOver(reply);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, after.toString(), 'ledger');
    writer.start();
    try {
      for await (const change of this.feed.ledgerChanges({
        after,
        filter,
        signal: abort,
        onEvaluated: (through) => writer.evaluated(() => through.toString()),
      })) {
        if (!(await writer.sendJson(change.position.toString(), sharedJson(change.event)))) break;
      }
    } catch (error) {
      this.failed(writer, error);
    } finally {
      writer.end();
    }
  }

  @Get('v1/changes/effective')
  @RequiresRole('reader')
  @AcceptsStreamTicket()
  @ApiQuery({
    name: 'ticket',
    required: false,
    description: 'a stream ticket from POST /v1/changes/tickets, in place of Authorization (for EventSource)',
  })
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'One message whenever what is in force now changes for a subject: when an event is recorded, and when the clock reaches a recorded effective time. Resume with Last-Event-ID or ?after (0 replays from the start); no parameter starts from now.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'a transition id as sent in id:, or 0 for the start' })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  @ApiHeader(LAST_EVENT_ID('a transition id'))
  @ApiHeader(MIN_POSITION)
  @ApiEventStream(
    'Effective transitions (AsyncAPI: /asyncapi.json, channel effectiveChanges); `id:` is the transition id',
  )
  @ApiKeyRouteErrors()
  async effective(
    @Res() reply: FastifyReply,
    @Query() query: { after?: string; subject?: string },
    @Headers('last-event-id') lastEventId?: string,
    @Headers('x-min-position') minPosition?: string,
  ) {
    const problems: ErrorDetail[] = [];
    feedMinPosition(minPosition, problems);
    const subjects = subjectFilter(query.subject, problems);
    let after =
      lastEventId !== undefined
        ? effectiveResume('Last-Event-ID', lastEventId, problems)
        : effectiveResume('after', query.after, problems);
    await this.feed.checkResume(lastEventId !== undefined ? 'Last-Event-ID' : 'after', after, problems);
    throwIfProblems(problems);
    after ??= await this.feed.effectiveNow();
    const response = takeOver(reply);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, after, 'effective');
    writer.start();
    try {
      for await (const transition of this.feed.effectiveChanges({
        after,
        subjects,
        signal: abort,
        onEvaluated: (through) => writer.evaluated(through),
      })) {
        if (!(await writer.sendJson(transition.id, transitionJson(transition)))) break;
      }
    } catch (error) {
      this.failed(writer, error);
    } finally {
      writer.end();
    }
  }

  @Get('asyncapi.json')
  @Public()
  @ApiOperation({ summary: 'The AsyncAPI 3 document of both change feeds' })
  @ApiOkResponse({
    description: 'An AsyncAPI 3.0 document',
    schema: {
      type: 'object',
      required: ['asyncapi', 'info', 'channels'],
      properties: {
        asyncapi: { type: 'string', example: '3.0.0' },
        info: { type: 'object' },
        channels: { type: 'object' },
      },
    },
  })
  @ApiErrors([400])
  asyncapi(@Req() request: FastifyRequest): AsyncApiDocument {
    return publishedAsyncApi(request.server);
  }
}

/**
 * The stream is written by the SseWriter, to the socket's response, not by
 * Fastify: the headers the hooks set (security, correlation id, CORS) go with it.
 */
function takeOver(reply: FastifyReply): ServerResponse {
  reply.hijack();
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) reply.raw.setHeader(name, value);
  return reply.raw;
}

/** Aborted when the client leaves, or at once if it left while the feed's start was worked out ('close' was said). */
function closeSignal(response: ServerResponse): AbortSignal {
  const abort = new AbortController();
  if (response.destroyed || response.writableEnded) abort.abort();
  else response.on('close', () => abort.abort());
  return abort.signal;
}
