import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyRouteErrors } from '../http/error-response.dto.js';
import { ConsistencyProofDto, DigestDto, InclusionProofDto } from './dto/proofs.js';
import { RequiresRole } from '../auth/auth.guard.js';
import { LedgerError } from '../errors.js';
import { IntegrityService } from './integrity.service.js';
import { eventIdParam } from '../http/event-id-param.js';

function treeSize(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value))
    throw new LedgerError('bad-input', `${field} must be a tree size: a whole number`, [
      { field, rule: 'tree-size', message: 'must be a whole number', value },
    ]);
  return Number(value);
}

@ApiTags('integrity')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1')
export class IntegrityController {
  constructor(@Inject(IntegrityService) private readonly integrity: IntegrityService) {}

  @Get('integrity/digest')
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      'The Merkle tree head of the whole log (RFC 9162 hashing): tree size, root hash, last position, and whether every event still matches its hash',
  })
  @ApiOkResponse({ type: DigestDto })
  digest(): Promise<DigestDto> {
    return this.integrity.digest();
  }

  @Get('events/:eventId/proof')
  @RequiresRole('reader')
  @ApiOperation({ summary: "An event's inclusion proof (audit path) in the tree of treeSize events" })
  @ApiParam({ name: 'eventId' })
  @ApiQuery({ name: 'treeSize', required: false, description: 'Tree size the proof is for (default: the whole log)' })
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiErrors([404], { 404: 'No event with this id in the log' })
  proof(@Param('eventId') eventId: string, @Query('treeSize') size?: string): Promise<InclusionProofDto> {
    return this.integrity.inclusionProof(eventIdParam('eventId', eventId), treeSize('treeSize', size));
  }

  @Get('integrity/consistency')
  @RequiresRole('reader')
  @ApiOperation({ summary: 'A consistency proof: the tree of `to` events extends the tree of `from` events' })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: false, description: 'default: the whole log' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  consistency(@Query('from') from?: string, @Query('to') to?: string): Promise<ConsistencyProofDto> {
    const start = treeSize('from', from);
    if (start === undefined)
      throw new LedgerError('bad-input', 'from is required', [
        { field: 'from', rule: 'required', message: 'a tree size is required' },
      ]);
    return this.integrity.consistencyProof(start, treeSize('to', to));
  }
}
