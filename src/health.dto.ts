/** The health route's answer, as the OpenAPI document states it. */
import { ApiProperty } from '@nestjs/swagger';

const DECIMAL = '^[0-9]+$';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'catching-up', 'failed'] }) status!: 'ok' | 'catching-up' | 'failed';
  @ApiProperty({
    required: false,
    pattern: DECIMAL,
    description: "The log's head (absent when the store cannot be read)",
  })
  headPosition?: string;
  @ApiProperty({ pattern: DECIMAL, description: 'How far the read model has folded the log' })
  readModelPosition!: string;
  @ApiProperty({ required: false, description: "The event loop's worst delay over the last 10-20 s" })
  eventLoopMaxDelayMs?: number;
  @ApiProperty({ required: false, description: 'Why the ledger failed' }) reason?: string;
  @ApiProperty({
    required: false,
    description: "What the store's subscription keeps failing on while it retries (EventStoreDB)",
  })
  subscriptionError?: string;
}

export class LiveDto {
  @ApiProperty({ enum: ['live'] }) status!: 'live';
}

export class ReadyDto {
  @ApiProperty({ enum: ['ready', 'not-ready'] }) status!: 'ready' | 'not-ready';
  @ApiProperty({ required: false, description: 'Why it is not ready' }) reason?: string;
  @ApiProperty({
    required: false,
    pattern: DECIMAL,
    description: "The log's head (absent when the store does not answer)",
  })
  headPosition?: string;
  @ApiProperty({ pattern: DECIMAL, description: 'How far the read model has folded the log' })
  readModelPosition!: string;
}
