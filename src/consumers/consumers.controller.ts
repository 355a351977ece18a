import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { RequiresRole } from '../auth/auth.guard.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { positionParam } from '../queries/positions.js';
import { bodyProblems, throwIfInvalid } from '../http/validate-body.js';
import { CONSUMER_RULE, consumerParam, Consumers } from './consumers.js';
import { ApiErrors, ApiKeyRouteErrors, SUBSCRIBERS_FILE_FULL } from '../http/error-response.dto.js';

export class AcknowledgeDto {
  @IsString()
  @ApiProperty({ example: '42', description: 'the id (ledger position) of the last event the consumer has processed' })
  position!: string;
}

export class ConsumerView {
  @ApiProperty({ example: 'screening' }) name!: string;
  @ApiProperty({
    example: '42',
    description: 'the acknowledged position: GET /v1/changes?consumer=<name> resumes after it',
  })
  position!: string;
}

@ApiTags('changes')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1/consumers')
export class ConsumersController {
  constructor(@Inject(Consumers) private readonly consumers: Consumers) {}

  @Post(':name/ack')
  @ApiErrors([507], { 507: SUBSCRIBERS_FILE_FULL })
  @RequiresRole('reader')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Acknowledge the consumer's position on the ledger feed; it only moves forward (an older position leaves it where it is)",
  })
  @ApiParam({ name: 'name', description: CONSUMER_RULE })
  @ApiBody({ type: AcknowledgeDto })
  @ApiOkResponse({ type: ConsumerView })
  async acknowledge(@Param('name') name: string, @Body() body: unknown): Promise<ConsumerView> {
    const problems: ErrorDetail[] = [];
    consumerParam('name', name, problems);
    const { value, problems: bodyErrors } = bodyProblems(AcknowledgeDto, body);
    problems.push(...bodyErrors);
    const position = bodyErrors.length ? undefined : positionParam('position', value.position, problems);
    if (position === undefined && !problems.length)
      problems.push({
        field: 'position',
        rule: 'isPosition',
        message: 'position must be a ledger position',
        value: value.position,
      });
    throwIfInvalid(problems);
    const result = await this.consumers.acknowledge(name, position!);
    if ('problem' in result) throwIfInvalid([result.problem]);
    return { name, position: (result as { position: bigint }).position.toString() };
  }

  @Get(':name')
  @ApiErrors([404])
  @RequiresRole('reader')
  @ApiOperation({ summary: "The consumer's acknowledged position" })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: ConsumerView })
  async get(@Param('name') name: string): Promise<ConsumerView> {
    const problems: ErrorDetail[] = [];
    consumerParam('name', name, problems);
    throwIfInvalid(problems);
    const position = await this.consumers.position(name);
    if (position === undefined) {
      throw new LedgerError('not-found', `consumer ${name} has acknowledged nothing yet`, [
        {
          field: 'name',
          rule: 'consumer-exists',
          message: `consumer ${name} has acknowledged nothing yet`,
          value: name,
        },
      ]);
    }
    return { name, position: position.toString() };
  }
}
