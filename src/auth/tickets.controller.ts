import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiKeyRouteErrors } from '../http/error-response.dto.js';
import type { AuthenticatedRequest } from './authenticate.js';
import { RequiresRole } from './route-access.js';
import { StreamTickets, type IssuedTicket } from './stream-tickets.js';

class StreamTicketDto implements IssuedTicket {
  @ApiProperty({ description: 'single use: ?ticket= on /v1/changes or /v1/changes/effective' }) ticket!: string;
  @ApiProperty({ format: 'date-time', description: 'unused after this instant (60 s after issue)' }) expiresAt!: string;
}

@ApiTags('changes')
@Controller()
export class TicketsController {
  constructor(@Inject(StreamTickets) private readonly tickets: StreamTickets) {}

  @Post('v1/changes/tickets')
  @HttpCode(201)
  @RequiresRole('reader')
  @ApiBearerAuth()
  @ApiKeyRouteErrors()
  @ApiCreatedResponse({ type: StreamTicketDto })
  @ApiOperation({
    summary:
      'A stream ticket for a browser: opens one change feed (?ticket= on /v1/changes or /v1/changes/effective) once, within 60 s, as the key that asked for it; EventSource cannot send Authorization, and a key in a URL ends up in logs',
  })
  issue(@Req() request: AuthenticatedRequest): IssuedTicket {
    return this.tickets.issue(request.identity!);
  }
}
