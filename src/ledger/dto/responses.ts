/** The command side's answers, as the OpenAPI document states them. Positions and revisions are decimal strings. */
import { ApiProperty } from '@nestjs/swagger';
import { EVENT_TYPES } from '../../domain/messages.js';
import type { StoredEvent } from '../../event-store/event-store.js';
import { ErrorResponseDto } from '../../http/error-response.dto.js';
import type { presentEvent, presentOutcome } from '../presenters.js';

const DECIMAL = '^[0-9]+$';

export class AppendedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'RestrictionImposed' }) type!: string;
  @ApiProperty({ pattern: DECIMAL, example: '0' }) streamRevision!: string;
}

export class CommandResultDto implements ReturnType<typeof presentOutcome> {
  @ApiProperty({ format: 'uuid' }) commandId!: string;
  @ApiProperty({ example: 'us-entity-list-huawei' }) measureId!: string;
  @ApiProperty({ type: () => [AppendedEventDto] }) events!: AppendedEventDto[];
  @ApiProperty({ pattern: DECIMAL, description: 'The ledger position of the last event appended', example: '1' })
  position!: string;
  @ApiProperty({ required: false, description: 'On a repetition that could be compared only in part' }) notice?: string;
}

export class BatchResultDto extends CommandResultDto {
  @ApiProperty({ description: 'The command’s place in the batch, from 0' }) index!: number;
  @ApiProperty({ enum: [200, 201], description: '201 appended, 200 already applied (nothing appended)' })
  status!: number;
}

export class BatchResponseDto {
  @ApiProperty({ type: () => [BatchResultDto] }) results!: BatchResultDto[];
}

export class BatchFailureDto extends ErrorResponseDto {
  @ApiProperty({ description: 'The index of the command that was rejected' }) failedIndex!: number;
  @ApiProperty({ type: () => [BatchResultDto], description: 'The commands applied before it' })
  results!: BatchResultDto[];
}

export class StoredEventDto implements ReturnType<typeof presentEvent> {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'measure-us-entity-list-huawei' }) streamId!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: string;
  @ApiProperty({ pattern: DECIMAL }) revision!: string;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's payload: the fields of the command that recorded it (see the command schemas)",
  })
  data!: StoredEvent['data'];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'actor, commandId, correlationId, hash, ...',
  })
  metadata!: StoredEvent['metadata'];
}

export class EventsPageDto {
  @ApiProperty({ type: () => [StoredEventDto] }) events!: StoredEventDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: DECIMAL,
    description: 'The `after` of the next page; null on the last page',
  })
  next!: string | null;
}

export class MeasureEventsDto {
  @ApiProperty() measureId!: string;
  @ApiProperty({ type: () => [StoredEventDto] }) events!: StoredEventDto[];
}
