import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequiresRole } from '../auth/auth.guard.js';
import { AcceptsStreamTicket, Public } from '../auth/route-access.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { throwIfProblems } from '../queries/knowledge.js';
import { ASYNCAPI_DOCUMENT } from './asyncapi.js';
import { ChangeFeedService } from './change-feed.service.js';
import { effectiveResume, ledgerFilter, ledgerResume, subjectFilter } from './feed-params.js';
import { SSE_OPTIONS, SseWriter, type SseOptions } from './sse-writer.js';

@ApiTags('changes')
@Controller()
export class ChangesController {
  constructor(
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(SSE_OPTIONS) private readonly options: SseOptions,
  ) {}

  @Get('v1/changes')
  @RequiresRole('reader')
  @AcceptsStreamTicket()
  @ApiQuery({ name: 'ticket', required: false, description: 'a stream ticket from POST /v1/changes/tickets, in place of Authorization (for EventSource)' })
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Ledger events as Server-Sent Events of CloudEvents 1.0; `id:` is the ledger position. Resume with Last-Event-ID or ?after (0 replays everything); no parameter starts from now.' })
  @ApiQuery({ name: 'after', required: false, description: 'a ledger position; 0 replays everything' })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  @ApiQuery({ name: 'measure', required: false, description: 'comma-separated measure ids' })
  @ApiQuery({ name: 'type', required: false, description: 'comma-separated event types, e.g. SubjectsAdded or org.regledger.SubjectsAdded' })
  async changes(
    @Res() response: Response,
    @Query() query: { after?: string; subject?: string; measure?: string; type?: string },
    @Headers('last-event-id') lastEventId?: string,
  ) {
    // Everything is checked before the stream starts: after that, an error can no longer be a 400.
    const problems: ErrorDetail[] = [];
    const filter = ledgerFilter(query, problems);
    const after = lastEventId !== undefined ? ledgerResume('Last-Event-ID', lastEventId, problems) : ledgerResume('after', query.after, problems);
    throwIfProblems(problems);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, String(after ?? ''), 'ledger');
    writer.start();
    try {
      for await (const change of this.feed.ledgerChanges({ after, filter, signal: abort })) {
        if (!(await writer.send(change.position.toString(), change.event))) break;
      }
    } finally {
      writer.end();
    }
  }

  @Get('v1/changes/effective')
  @RequiresRole('reader')
  @AcceptsStreamTicket()
  @ApiQuery({ name: 'ticket', required: false, description: 'a stream ticket from POST /v1/changes/tickets, in place of Authorization (for EventSource)' })
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'One message whenever what is in force now changes for a subject: when an event is recorded, and when the clock reaches a recorded effective time. Resume with Last-Event-ID or ?after (0 replays from the start); no parameter starts from now.' })
  @ApiQuery({ name: 'after', required: false, description: 'a transition id as sent in id:, or 0 for the start' })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  async effective(
    @Res() response: Response,
    @Query() query: { after?: string; subject?: string },
    @Headers('last-event-id') lastEventId?: string,
  ) {
    const problems: ErrorDetail[] = [];
    const subjects = subjectFilter(query.subject, problems);
    const after = lastEventId !== undefined ? effectiveResume('Last-Event-ID', lastEventId, problems) : effectiveResume('after', query.after, problems);
    throwIfProblems(problems);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, after ?? '', 'effective');
    writer.start();
    try {
      for await (const transition of this.feed.effectiveChanges({ after, subjects, signal: abort })) {
        if (!(await writer.send(transition.id, transition))) break;
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
    } finally {
      writer.end();
    }
  }

  @Get('asyncapi.json')
  @Public()
  @ApiOperation({ summary: 'The AsyncAPI 3 document of both change feeds' })
  asyncapi() {
    return ASYNCAPI_DOCUMENT;
  }
}

/** Aborts when the response closes: the client went away, or the stream ended. */
function closeSignal(response: Response): AbortSignal {
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  return abort.signal;
}
