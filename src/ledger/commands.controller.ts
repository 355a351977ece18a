import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresRole, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { LedgerError } from '../errors.js';
import { correlationIdOf } from '../http/correlation-id.js';
import type { CommandContext } from './command-executor.js';
import { CommandGateway, readNdjson, type BatchEntry } from './command-gateway.js';
import { DTO_OF } from './dto/command.dto.js';
import { BatchFailureDto, BatchResponseDto, CommandResultDto } from './dto/responses.js';
import { ApiErrors } from '../http/error-response.dto.js';
import { presentOutcome } from './presenters.js';
import { MAX_COMMANDS_PER_BATCH } from '../domain/command-limits.js';

const DTOS = Object.values(DTO_OF);
const CORRELATION_ID = {
  name: 'X-Correlation-Id',
  required: false,
  description:
    'Kept as the correlationId of the events appended when usable (up to 128 letters, digits and ._:@/+=-); otherwise a new UUID is. Either way the id recorded is the one sent back in X-Correlation-Id.',
};
const MAX_IDEMPOTENCY_KEY = 200;
const IDEMPOTENCY_KEY = (what: string) => ({
  name: 'Idempotency-Key',
  required: false,
  description: `${what} 1 to ${MAX_IDEMPOTENCY_KEY} visible ASCII characters.`,
});
const ONE_COMMAND = {
  oneOf: DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })),
  // The mapping names each command by its type (without it, generators take the class names).
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(Object.entries(DTO_OF).map(([type, dto]) => [type, getSchemaPath(dto)])),
  },
};

/** Who sent the command, and the request's correlation id: the one sent back in X-Correlation-Id. */
export function commandContext(request: AuthenticatedRequest): CommandContext {
  return { actor: request.identity?.name ?? 'anonymous', correlationId: correlationIdOf(request.raw) };
}

@ApiTags('commands')
@ApiBearerAuth()
@ApiExtraModels(...DTOS)
@Controller('v1/commands')
export class CommandsController {
  constructor(@Inject(CommandGateway) private readonly gateway: CommandGateway) {}

  @Post()
  @RequiresRole('writer')
  @ApiOperation({
    summary: 'Record one command',
    description:
      'Appends the event the command decides. The same command sent again with its commandId (compared case-insensitively), or without one under the same Idempotency-Key, answers the first result with 200; a commandId (or key) reused for a different command is a 422.',
  })
  @ApiBody({ schema: ONE_COMMAND })
  @ApiHeader(
    IDEMPOTENCY_KEY(
      'A command without a commandId gets one derived from it (as the first command of a batch sent with it), so a retry appends nothing and answers the first result with 200.',
    ),
  )
  @ApiHeader(CORRELATION_ID)
  @ApiResponse({ status: 201, description: 'Appended', type: CommandResultDto })
  @ApiResponse({
    status: 200,
    description:
      'The same command sent again with its commandId, or under the same Idempotency-Key: the first result, nothing appended',
    type: CommandResultDto,
  })
  @ApiErrors([400, 401, 403, 409, 413, 422, 503, 507], {
    422: 'An invariant of the domain would break: the rule and value are named. Also `command-id-reused`: the commandId was already used for a different command (nothing written).',
  })
  async submit(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<CommandResultDto> {
    const outcome = await this.gateway.execute(body, commandContext(request), idempotency(idempotencyKey));
    response.status(outcome.repeated ? 200 : 201);
    return presentOutcome(outcome);
  }

  @Post('batch')
  @HttpCode(200)
  @RequiresRole('writer')
  @ApiOperation({
    summary: 'Record commands in order',
    description: `A JSON array, or NDJSON (application/x-ndjson), of at most ${MAX_COMMANDS_PER_BATCH} commands (413 beyond). Validated whole first; applied in order; stops at the first rejection, answering its error with the results before it.`,
  })
  @ApiBody({ schema: { type: 'array', items: ONE_COMMAND, maxItems: MAX_COMMANDS_PER_BATCH } })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiHeader(
    IDEMPOTENCY_KEY(
      'Required when any command lacks a commandId: theirs derive from it and their index, so a retried batch appends nothing.',
    ),
  )
  @ApiHeader(CORRELATION_ID)
  @ApiResponse({
    status: 200,
    description: 'Every command applied: status 200 for one already applied, 201 for one appended',
    type: BatchResponseDto,
  })
  @ApiErrors([400, 401, 403, 409, 413, 503, 507], {
    400: 'Bad input anywhere in the batch, or commands without a commandId and no Idempotency-Key: nothing applied.',
    409: 'A command found its measure stream not at expectedRevision: the results before it, and failedIndex.',
    413: `The body is over the size limit, or holds more than ${MAX_COMMANDS_PER_BATCH} commands (\`maxCommandsPerBatch\`): nothing applied.`,
  })
  @ApiResponse({
    status: 422,
    description:
      'A command broke an invariant, or reused a commandId for a different command (`command-id-reused`): the results before it, and failedIndex.',
    type: BatchFailureDto,
  })
  async batch(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<BatchResponseDto> {
    const entries = batchEntries(body);
    const outcome = await this.gateway.executeBatch(entries, commandContext(request), idempotency(idempotencyKey));
    const results = outcome.results.map((result, index) => ({
      index,
      status: result.repeated ? 200 : 201,
      ...presentOutcome(result),
    }));
    if (outcome.failure) {
      const { error, index } = outcome.failure;
      throw new LedgerError(
        error.kind,
        `command ${outcome.failure.origin} was rejected: ${error.message}`,
        error.details,
        {
          failedIndex: index,
          results,
        },
      );
    }
    return { results };
  }
}

function idempotency(key: string | undefined): { idempotencyKey?: string } {
  return key === undefined ? {} : { idempotencyKey: checkedIdempotencyKey(key) };
}

function checkedIdempotencyKey(key: string): string {
  if (key.length >= 1 && key.length <= MAX_IDEMPOTENCY_KEY && /^[\x21-\x7e]+$/.test(key)) return key;
  const message = `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} visible ASCII characters`;
  throw new LedgerError('bad-input', message, [
    { field: 'Idempotency-Key', rule: 'isIdempotencyKey', message, value: key },
  ]);
}

function batchEntries(body: unknown): BatchEntry[] {
  // NDJSON (the only body read as text): line by line, even when its first line opens an array.
  if (typeof body === 'string') return readNdjson(body);
  if (!Array.isArray(body)) {
    throw new LedgerError('bad-input', 'a batch is a JSON array of commands, or NDJSON', [
      { rule: 'isArray', message: 'expected an array of commands' },
    ]);
  }
  return (body as unknown[]).map((command, index) => ({ origin: `[${index}]`, body: command }));
}
