import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiKeyRouteErrors } from '../http/error-response.dto.js';
import { ReplayDto, SubjectReportDto } from './dto/answers.js';
import type { FastifyReply } from 'fastify';
import type { ReplayOrder } from '../../projections/replay.js';
import { subjectKnown, withSetAsideNotice } from '../../projections/ledger-read-model.js';
import { RequiresRole } from '../auth/auth.guard.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import type { ErrorDetail } from '../errors.js';
import { IntegrityService } from '../integrity/integrity.service.js';
import {
  idParam,
  instantParam,
  parseTimeParams,
  throwIfProblems,
  windowParams,
  type TimeParams,
} from '../queries/knowledge.js';
import { CLOCK, type LedgerClock } from '../clock.js';
import { ReadModelService } from '../queries/read-model.service.js';
import { buildReport, categoriesParam } from './report.js';
import { reportKnowledge } from './answered-report.js';
import {
  isReportFormat,
  REPORT_FORMATS,
  renderJsonBody,
  renderReport,
  reportFileName,
  type ReportFormatName,
} from './report-render.js';
import { replayWithProvenance } from './replay.js';
import { ConsistentRead } from '../queries/consistent-read.js';

@ApiTags('investigations')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@ApiExtraModels(SubjectReportDto)
@Controller('v1')
export class InvestigationsController {
  constructor(
    @Inject(ReadModelService) private readonly readModel: ReadModelService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IntegrityService) private readonly integrity: IntegrityService,
    @Inject(CLOCK) private readonly clock: LedgerClock,
  ) {}

  @Get('subjects/:subjectId/replay')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      "A subject's history step by step: each event that concerns it, with provenance and the state before and after it as a diff",
  })
  @ApiQuery({
    name: 'order',
    required: false,
    description:
      '`record` (default): what each record changed in what was known; `valid`: what changed in force, and when',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'Earliest record time (record order) or valid time (valid order)',
  })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'Record order: one valid time for every step (default: the time each event concerns)',
  })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'asOfPosition', required: false })
  @ApiOkResponse({ type: ReplayDto })
  async replay(
    @Param('subjectId') subjectId: string,
    @Query() query: TimeParams & { from?: string; to?: string; order?: string },
  ): Promise<ReplayDto> {
    const problems: ErrorDetail[] = [];
    idParam('subjectId', subjectId, problems);
    const order = (query.order ?? 'record') as ReplayOrder;
    if (order !== 'record' && order !== 'valid')
      problems.push({ field: 'order', rule: 'isIn', message: 'order must be record or valid', value: query.order });
    // An empty window is a mistake to point out, not a replay with no steps (as on the timeline).
    const { from, to } = windowParams(query, problems);
    const at = instantParam('at', query.at, problems);
    const time = parseTimeParams(query, problems);
    throwIfProblems(problems);
    const model = await this.readModel.current();
    const knowledge = withSetAsideNotice(model, time.resolve(model, this.clock.now()), { subjectId });
    const replay = await replayWithProvenance(model, this.store, subjectId, {
      order,
      asOfPosition: knowledge.asOfPosition,
      ...(at !== undefined ? { at } : {}),
      from,
      to,
    });
    return {
      ...replay,
      subjectKnown: subjectKnown(model, subjectId, knowledge.asOfPosition),
      asOf: knowledge.asOf,
      ...(knowledge.notice
        ? { notice: knowledge.notice, ...(knowledge.setAside ? { setAside: knowledge.setAside } : {}) }
        : {}),
    };
  }

  @Get('subjects/:subjectId/report')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      "An auditor's report: the verdict on each category with its explanation, state, basis events with citations and sources, timeline, and the log's digest with an inclusion proof per basis event",
  })
  @ApiQuery({
    name: 'format',
    required: false,
    description:
      'json (default), md, html (one self-contained printable file) or csv (one file, a section per table); md, html and csv come as an attachment',
  })
  @ApiQuery({
    name: 'categories',
    required: false,
    description:
      "Comma-separated categories to give a verdict on (default: every category of the subject's measures' scopes and exemptions)",
  })
  @ApiQuery({ name: 'at', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'asOfPosition', required: false })
  @ApiResponse({
    status: 200,
    description:
      'The report; md, html and csv as an attachment (Content-Disposition) named regledger-<subject>-<at date>-<asOfPosition>.<ext>',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SubjectReportDto) } },
      'text/markdown': { schema: { type: 'string' } },
      'text/html': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async report(
    @Param('subjectId') subjectId: string,
    @Query() query: TimeParams & { format?: string; categories?: string },
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<SubjectReportDto | string> {
    const problems: ErrorDetail[] = [];
    idParam('subjectId', subjectId, problems);
    const format = query.format ?? 'json';
    if (typeof format !== 'string' || !isReportFormat(format))
      problems.push({
        field: 'format',
        rule: 'isIn',
        message: `format must be one of ${Object.keys(REPORT_FORMATS).join(', ')}`,
        value: query.format,
      });
    const categories = categoriesParam(query.categories, problems);
    const time = parseTimeParams(query, problems);
    throwIfProblems(problems);
    const model = await this.readModel.current();
    const integrity = await this.integrity.current();
    const now = this.clock.now();
    const knowledge = reportKnowledge(withSetAsideNotice(model, time.resolve(model, now), { subjectId }));
    const report = knowledge.answered(
      await buildReport(model, this.store, integrity, subjectId, knowledge.built, new Date(now), categories),
    );
    const chosen = format as ReportFormatName;
    response.type(REPORT_FORMATS[chosen].contentType);
    // Written by the ledger in paced slices (the same text the framework's JSON.stringify would write at once).
    if (chosen === 'json') return renderJsonBody(report);
    response.header('Content-Disposition', `attachment; filename="${reportFileName(report, chosen)}"`);
    return renderReport(report, chosen);
  }
}
