import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { RequiresRole } from '../auth/auth.guard.js';
import { effectiveResume, ledgerFilter, ledgerResume, subjectFilter } from '../changes/feed-params.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import type { WebhookFeed, WebhookFilters } from '../subscriber-state/subscriber-state.js';
import { bodyProblems, throwIfInvalid } from '../http/validate-body.js';
import {
  CreatedWebhookView,
  CreateWebhookDto,
  DeliveryListView,
  presentAttempt,
  presentWebhook,
  ReplayWebhookDto,
  WebhookListView,
  WebhookView,
  type WebhookFiltersDto,
} from './webhook-dto.js';
import { targetProblem, urlFormProblem } from './url-policy.js';
import { WebhooksService } from './webhooks.service.js';
import { ApiErrors, ApiKeyRouteErrors, SUBSCRIBERS_FILE_FULL } from '../http/error-response.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DELIVERIES = 100;

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @RequiresRole('admin')
  @ApiErrors([507], { 507: SUBSCRIBERS_FILE_FULL })
  @ApiOperation({
    summary:
      'Register an endpoint: each message of the feed is POSTed to it, signed (Standard Webhooks), in order, retried for about a day',
  })
  @ApiBody({ type: CreateWebhookDto })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  async create(@Body() body: unknown): Promise<CreatedWebhookView> {
    const { value, problems } = bodyProblems(CreateWebhookDto, body);
    const filters = problems.length ? {} : checkFilters(value.feed, value.filters, problems);
    const after =
      problems.length || value.after === undefined
        ? undefined
        : await this.checkAfter(value.feed, value.after, problems);
    if (!problems.length) await this.checkUrl(value.url, problems);
    throwIfInvalid(problems);
    const endpoint = await this.webhooks.create({ url: value.url, feed: value.feed, filters, after });
    return { ...presentWebhook(endpoint), secret: endpoint.secret };
  }

  @Get()
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Every registered endpoint, oldest first (secrets are not shown)' })
  @ApiOkResponse({ type: WebhookListView })
  async list(): Promise<WebhookListView> {
    return { webhooks: (await this.webhooks.list()).map(presentWebhook) };
  }

  @Get(':id')
  @ApiErrors([404])
  @RequiresRole('admin')
  @ApiOperation({ summary: 'One endpoint: where it stands, and whether it is retrying or failing' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: WebhookView })
  async get(@Param('id') id: string): Promise<WebhookView> {
    return presentWebhook(await this.webhooks.get(checkId(id)));
  }

  @Delete(':id')
  @ApiErrors([404])
  @RequiresRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint; nothing more is sent to it' })
  @ApiParam({ name: 'id' })
  @ApiNoContentResponse()
  async delete(@Param('id') id: string): Promise<void> {
    await this.webhooks.delete(checkId(id));
  }

  @Get(':id/deliveries')
  @ApiErrors([404])
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Recent delivery attempts, newest first: status, latency, error' })
  @ApiParam({ name: 'id' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_DELIVERIES} (default 20)` })
  @ApiOkResponse({ type: DeliveryListView })
  async deliveries(@Param('id') id: string, @Query('limit') limit?: string): Promise<DeliveryListView> {
    const count = limit === undefined ? 20 : Number(limit);
    if (!/^\d{1,3}$/.test(limit ?? '20') || count < 1 || count > MAX_DELIVERIES) {
      throwIfInvalid([
        {
          field: 'limit',
          rule: 'isInRange',
          message: `limit must be a whole number from 1 to ${MAX_DELIVERIES}`,
          value: limit,
        },
      ]);
    }
    return { deliveries: (await this.webhooks.deliveries(checkId(id), count)).map(presentAttempt) };
  }

  @Post(':id/replay')
  @ApiErrors([507], { 507: SUBSCRIBERS_FILE_FULL })
  @ApiErrors([404])
  @RequiresRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again everything after a resume id (re-enables a failing endpoint)' })
  @ApiParam({ name: 'id' })
  @ApiBody({ type: ReplayWebhookDto })
  @ApiOkResponse({ type: WebhookView })
  async replay(@Param('id') id: string, @Body() body: unknown): Promise<WebhookView> {
    const endpoint = await this.webhooks.get(checkId(id));
    const { value, problems } = bodyProblems(ReplayWebhookDto, body);
    const after = problems.length ? undefined : await this.checkAfter(endpoint.feed, value.after, problems);
    throwIfInvalid(problems);
    return presentWebhook(await this.webhooks.replay(id, after!));
  }

  @Post(':id/enable')
  @ApiErrors([507], { 507: SUBSCRIBERS_FILE_FULL })
  @ApiErrors([404])
  @RequiresRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable a failing endpoint: it retries the message it failed on, then goes on' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: WebhookView })
  async enable(@Param('id') id: string): Promise<WebhookView> {
    return presentWebhook(await this.webhooks.enable(checkId(id)));
  }

  /** A resume id the feed could have sent: one it never sent would skip what comes before it. */
  private async checkAfter(feed: WebhookFeed, after: string, problems: ErrorDetail[]): Promise<string> {
    const checked = checkAfter(feed, after, problems);
    if (!problems.length) await this.webhooks.checkResume(feed, checked, problems);
    return checked;
  }

  private async checkUrl(url: string, problems: ErrorDetail[]): Promise<void> {
    const problem = urlFormProblem(url) ?? (await targetProblem(url, this.webhooks.config.allow));
    if (problem) problems.push({ field: 'url', rule: 'isWebhookUrl', message: problem, value: url });
  }
}

function checkId(id: string): string {
  if (!UUID.test(id))
    throw new LedgerError('bad-input', 'id must be a webhook id (a UUID)', [
      { field: 'id', rule: 'isUUID', message: 'id must be a webhook id (a UUID)', value: id },
    ]);
  // Ids are made in lower case; a UUID means the same in either case (RFC 9562).
  return id.toLowerCase();
}

/** The filters the feed accepts, each id and type checked as the SSE feeds check them. */
function checkFilters(
  feed: WebhookFeed,
  filters: WebhookFiltersDto | undefined,
  problems: ErrorDetail[],
): WebhookFilters {
  const found: ErrorDetail[] = [];
  let checked: WebhookFilters;
  if (feed === 'ledger') {
    const filter = ledgerFilter({ subject: filters?.subject, measure: filters?.measure, type: filters?.type }, found);
    // `SubjectsAdded` and `org.regledger.SubjectsAdded` name one type: the DTO's check sees two different strings.
    if (filter.types && new Set(filter.types).size < filter.types.length)
      found.push({ field: 'type', rule: 'arrayUnique', message: 'filters.type names a type twice: give each once' });
    checked = { subject: filter.subjects, measure: filter.measures, type: filter.types };
  } else {
    for (const field of ['measure', 'type'] as const) {
      if (filters?.[field])
        found.push({
          field,
          rule: 'notForFeed',
          message: `the effective feed filters by subject only, not by ${field}`,
          value: filters[field],
        });
    }
    checked = { subject: subjectFilter(filters?.subject, found) };
  }
  problems.push(...found.map((p) => ({ ...p, field: `filters.${p.field}` })));
  return Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined));
}

function checkAfter(feed: WebhookFeed, after: string, problems: ErrorDetail[]): string {
  if (feed === 'ledger') {
    const position = ledgerResume('after', after, problems);
    if (position === undefined && !problems.length)
      problems.push({ field: 'after', rule: 'isPosition', message: 'after must be a ledger position', value: after });
    return position?.toString() ?? after;
  }
  const id = effectiveResume('after', after, problems);
  if (id === undefined && !problems.length)
    problems.push({
      field: 'after',
      rule: 'isResumeId',
      message: 'after must be an effective-feed id, or 0',
      value: after,
    });
  return id ?? after;
}
