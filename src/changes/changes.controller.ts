import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequiresRole } from '../auth/auth.guard.js';
import { Public } from '../auth/route-access.js';
import { EVENT_TYPES } from '../domain/messages.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { parsePosition } from '../ledger/events.controller.js';
import { idParam, throwIfProblems } from '../queries/knowledge.js';
import { ASYNCAPI_DOCUMENT } from './asyncapi.js';
import { ChangeFeedService } from './change-feed.service.js';
import { parseKeyId } from './effective-feed.js';
import { SSE_OPTIONS, SseWriter, type SseOptions } from './sse-writer.js';

function list(value: string | undefined): string[] | undefined {
  return value ? value.split(',').map((v) => v.trim()).filter(Boolean) : undefined;
}

function listProblems(field: string, values: string[] | undefined, check: (value: string, problems: ErrorDetail[]) => void): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const value of values ?? []) check(value, problems);
  return problems.map((p) => ({ ...p, field }));
}

@ApiTags('changes')
@Controller()
export class ChangesController {
  constructor(
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(SSE_OPTIONS) private readonly options: SseOptions,
  ) {}

  @Get('v1/changes')
  @RequiresRole('reader')
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Ledger events as Server-Sent Events of CloudEvents 1.0; `id:` is the ledger position. Resume with Last-Event-ID or ?after (0 replays everything); no parameter starts from now.' })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  @ApiQuery({ name: 'measure', required: false, description: 'comma-separated measure ids' })
  @ApiQuery({ name: 'type', required: false, description: 'comma-separated event types' })
  async changes(
    @Res() response: Response,
    @Query() query: { after?: string; subject?: string; measure?: string; type?: string },
    @Headers('last-event-id') lastEventId?: string,
  ) {
    const filter = { subjects: list(query.subject), measures: list(query.measure), types: list(query.type) };
    const problems = [
      ...listProblems('subject', filter.subjects, (v, p) => idParam('subject', v, p)),
      ...listProblems('measure', filter.measures, (v, p) => idParam('measure', v, p)),
      ...(filter.types ?? [])
        .filter((t) => !EVENT_TYPES.includes(t as never))
        .map((t) => ({ field: 'type', rule: 'isIn', message: `type must be one of ${EVENT_TYPES.join(', ')}`, value: t })),
    ];
    throwIfProblems(problems);
    const resumeFrom = lastEventId ?? query.after;
    const after = resumeFrom === undefined || resumeFrom === '' ? undefined : parsePosition(lastEventId !== undefined ? 'Last-Event-ID' : 'after', resumeFrom, 0n);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, String(after ?? ''));
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
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'One message whenever what is in force now changes for a subject: when an event is recorded, and when the clock reaches a recorded effective time. Resume with Last-Event-ID or ?after.' })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'subject', required: false, description: 'comma-separated subject ids' })
  async effective(
    @Res() response: Response,
    @Query() query: { after?: string; subject?: string },
    @Headers('last-event-id') lastEventId?: string,
  ) {
    const subjects = list(query.subject);
    throwIfProblems(listProblems('subject', subjects, (v, p) => idParam('subject', v, p)));
    const after = lastEventId ?? (query.after || undefined);
    if (after !== undefined) parseKeyId(after);
    const abort = closeSignal(response);
    const writer = new SseWriter(response, this.options, after ?? '');
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
