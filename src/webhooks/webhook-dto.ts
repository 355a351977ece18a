/**
 * The webhook routes' bodies and answers: one class per shape states both the
 * check (class-validator) and the OpenAPI schema (@nestjs/swagger).
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { DeliveryAttempt, WebhookEndpoint } from '../subscriber-state/subscriber-state.js';

/**
 * The most ids (or types) one filter list may hold: the endpoint is stored, listed and matched against every message
 * whole, and a list past this is a mistake rather than a filter (a feed without one sends every subject).
 */
export const MAX_FILTER_ITEMS = 1000;

/** A filter list: an array of strings, not empty, each given once, at most MAX_FILTER_ITEMS. */
function FilterList(): PropertyDecorator {
  return (target, key) => {
    const field = `filters.${String(key)}`;
    IsOptional()(target, key);
    IsArray()(target, key);
    ArrayNotEmpty()(target, key);
    ArrayUnique(undefined, { message: `${field} lists an item twice: give each once` })(target, key);
    ArrayMaxSize(MAX_FILTER_ITEMS, { message: `${field} lists more than ${MAX_FILTER_ITEMS} items` })(target, key);
    IsString({ each: true })(target, key);
  };
}

const LIST_SCHEMA = { minItems: 1, maxItems: MAX_FILTER_ITEMS, uniqueItems: true };

export class WebhookFiltersDto {
  @FilterList()
  @ApiPropertyOptional({ type: [String], ...LIST_SCHEMA, description: 'subject ids (both feeds)' })
  subject?: string[];

  @FilterList()
  @ApiPropertyOptional({ type: [String], ...LIST_SCHEMA, description: 'measure ids (ledger feed only)' })
  measure?: string[];

  @FilterList()
  @ApiPropertyOptional({
    type: [String],
    ...LIST_SCHEMA,
    description: 'event types, e.g. SubjectsAdded (ledger feed only)',
  })
  type?: string[];
}

export class CreateWebhookDto {
  @IsString()
  @MaxLength(2048)
  @ApiProperty({
    example: 'https://screening.example.com/hooks/regledger',
    description: 'http or https; private addresses only when LEDGER_WEBHOOK_ALLOW allows them',
  })
  url!: string;

  @IsIn(['ledger', 'effective'])
  @ApiProperty({
    enum: ['ledger', 'effective'],
    description:
      'the feed delivered: ledger events (as GET /v1/changes) or effective transitions (as GET /v1/changes/effective)',
  })
  feed!: 'ledger' | 'effective';

  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookFiltersDto)
  @ApiPropertyOptional({ type: () => WebhookFiltersDto })
  filters?: WebhookFiltersDto;

  @IsOptional()
  @IsString()
  @ApiPropertyOptional({
    example: '0',
    description:
      'start after this resume id (a ledger position, or an effective-feed id; 0 from the start); default: from now',
  })
  after?: string;
}

export class ReplayWebhookDto {
  @IsString()
  @ApiProperty({ example: '0', description: 'deliver again everything after this resume id (0: from the start)' })
  after!: string;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: ['ledger', 'effective'] }) feed!: string;
  @ApiProperty({ type: () => WebhookFiltersDto }) filters!: WebhookFiltersDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    enum: ['active', 'failing'],
    description: 'failing: retries ran out; nothing is sent until POST .../enable or .../replay',
  })
  status!: string;
  @ApiProperty({ description: 'everything up to this resume id was delivered' }) after!: string;
  @ApiProperty({ description: 'failed attempts at the next message' }) failedAttempts!: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'when the next retry is due' }) retryAt?: string;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional({ format: 'date-time' }) failingSince?: string;
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'the signing secret, shown only in this answer',
  })
  secret!: string;
}

export class WebhookListView {
  @ApiProperty({ type: () => [WebhookView] }) webhooks!: WebhookView[];
}

export class DeliveryAttemptView {
  @ApiProperty({ description: 'the webhook-id header' }) messageId!: string;
  @ApiProperty({ description: 'the resume id of the message' }) cursor!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() statusCode?: number;
  @ApiPropertyOptional() error?: string;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ enum: ['delivered', 'failed'] }) outcome!: string;
}

export class DeliveryListView {
  @ApiProperty({ type: () => [DeliveryAttemptView], description: 'newest first' }) deliveries!: DeliveryAttemptView[];
}

export function presentWebhook(endpoint: WebhookEndpoint): WebhookView {
  const { secret: _secret, ...view } = endpoint;
  return view;
}

export function presentAttempt(attempt: DeliveryAttempt): DeliveryAttemptView {
  const { endpointId: _endpointId, ...view } = attempt;
  return view;
}
