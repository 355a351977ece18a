import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyRouteErrors } from '../http/error-response.dto.js';
import { EventsPageDto, MeasureEventsDto } from './dto/responses.js';
import { RequiresRole } from '../auth/auth.guard.js';
import { streamOf } from '../domain/messages.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { positionParam } from '../queries/positions.js';
import { ID_PATTERN } from '../domain/ids.js';
import { presentEvent } from './presenters.js';
import { ConsistentRead } from '../queries/consistent-read.js';

const MAX_PAGE = 1000;

function badQuery(field: string, rule: string, message: string, value: unknown): LedgerError {
  return new LedgerError('bad-input', message, [{ field, rule, message, value }]);
}

export function parsePosition(field: string, value: string | undefined, fallback: bigint): bigint {
  const problems: ErrorDetail[] = [];
  const position = positionParam(field, value, problems);
  if (problems.length) throw new LedgerError('bad-input', problems[0]!.message, problems);
  return position ?? fallback;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 100;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_PAGE)
    throw badQuery('limit', 'isInRange', `limit must be a whole number from 1 to ${MAX_PAGE}`, value);
  return limit;
}

@ApiTags('events')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('events')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({ summary: 'The whole ledger in record order, paged by position' })
  @ApiQuery({ name: 'after', required: false, description: 'Exclusive start position (default 0: from the beginning)' })
  @ApiQuery({ name: 'limit', required: false, description: `Page size, 1 to ${MAX_PAGE} (default 100)` })
  @ApiOkResponse({ type: EventsPageDto })
  async events(@Query('after') after?: string, @Query('limit') limit?: string): Promise<EventsPageDto> {
    const pageSize = parseLimit(limit);
    const events = await this.store.readAll({ after: parsePosition('after', after, 0n), maxCount: pageSize });
    const last = events[events.length - 1];
    return {
      events: events.map(presentEvent),
      next: events.length === pageSize && last ? last.position.toString() : null,
    };
  }

  @Get('measures/:measureId/events')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({ summary: "A measure's stream, as recorded" })
  @ApiParam({ name: 'measureId' })
  @ApiOkResponse({ type: MeasureEventsDto })
  @ApiErrors([404], { 404: 'The measure has no events' })
  async measureEvents(@Param('measureId') measureId: string): Promise<MeasureEventsDto> {
    if (!ID_PATTERN.test(measureId))
      throw badQuery('measureId', 'isId', 'measureId must be an id: lowercase letters, digits, . _ -', measureId);
    const events = await this.store.readStream(streamOf(measureId));
    if (!events.length)
      throw new LedgerError('not-found', `measure ${measureId} has no events`, [
        { field: 'measureId', rule: 'measure-exists', message: `no measure ${measureId}`, value: measureId },
      ]);
    return { measureId, events: events.map(presentEvent) };
  }
}
