import { CacheableAnswer } from './cacheable-answers.js';
import { Controller, Get, Header, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyRouteErrors } from '../http/error-response.dto.js';
import { CheckAnswerDto, MeasureViewDto, RebuildStatsDto, SubjectStateDto, SubjectTimelineDto } from './dto/answers.js';
import { explainCheck } from '../../projections/explain.js';
import { subjectKnown, withSetAsideNotice, type SetAsideEvent } from '../../projections/ledger-read-model.js';
import { measureViewSteps } from '../../projections/measure-view.js';
import { checkCategory, subjectState, subjectTimelineSteps } from '../../projections/subject-queries.js';
import { finishPaced } from '../pacer.js';
import { pacedJson } from './paced-json.js';
import { RequiresRole } from '../auth/auth.guard.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import {
  categoryParam,
  idParam,
  windowParams,
  parseTimeParams,
  throwIfProblems,
  type AnsweredKnowledge,
  type TimeParams,
} from './knowledge.js';
import { ReadModelService } from './read-model.service.js';
import { ConsistentRead } from './consistent-read.js';
import { CLOCK, type LedgerClock } from '../clock.js';

function TimeQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({
      name: 'at',
      required: false,
      description: 'Valid time (default now): ISO 8601 instant with an offset, or a date',
    })(target, key, descriptor);
    ApiQuery({ name: 'asOf', required: false, description: 'Record time (default now): what the ledger knew then' })(
      target,
      key,
      descriptor,
    );
    ApiQuery({
      name: 'asOfPosition',
      required: false,
      description: 'Record time as a ledger position, instead of asOf',
    })(target, key, descriptor);
  };
}

/** What every answer says about its record time. */
function clocks(knowledge: AnsweredKnowledge & { setAside?: SetAsideEvent[] }) {
  return {
    asOf: knowledge.asOf,
    asOfPosition: knowledge.asOfPosition.toString(),
    ...(knowledge.notice ? { notice: knowledge.notice } : {}),
    ...(knowledge.setAside ? { setAside: knowledge.setAside } : {}),
  };
}

@ApiTags('queries')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1')
export class QueriesController {
  constructor(
    @Inject(ReadModelService) private readonly readModel: ReadModelService,
    @Inject(CLOCK) private readonly clock: LedgerClock,
  ) {}

  /** The knowledge to answer for; about a subject or a measure, it names any of their stored events that cannot be read. */
  private async knowledge(
    params: TimeParams,
    problems: ErrorDetail[],
    about: { subjectId?: string; measureId?: string } = {},
  ) {
    const time = parseTimeParams(params, problems);
    throwIfProblems(problems);
    const model = await this.readModel.current();
    return { model, knowledge: withSetAsideNotice(model, time.resolve(model, this.clock.now()), about) };
  }

  @Get('subjects/:subjectId/state')
  @ConsistentRead()
  @CacheableAnswer({ validTimeDefaultsToNow: true })
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      "A subject's restrictions, exemptions and pending announcements at `at`, as known at `asOf`, each with its basis",
  })
  @TimeQueries()
  @ApiOkResponse({ type: SubjectStateDto })
  async state(@Param('subjectId') subjectId: string, @Query() query: TimeParams): Promise<SubjectStateDto> {
    const problems: ErrorDetail[] = [];
    idParam('subjectId', subjectId, problems);
    const { model, knowledge } = await this.knowledge(query, problems, { subjectId });
    return {
      ...subjectState(model, subjectId, knowledge),
      subjectKnown: subjectKnown(model, subjectId, knowledge.asOfPosition),
      ...clocks(knowledge),
    };
  }

  @Get('subjects/:subjectId/check')
  @ConsistentRead()
  @CacheableAnswer({ validTimeDefaultsToNow: true })
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      'Whether one category is restricted, partially restricted or not restricted for a subject, with the measures, exemptions and basis',
  })
  @ApiQuery({ name: 'category', required: true })
  @TimeQueries()
  @ApiOkResponse({ type: CheckAnswerDto })
  async check(
    @Param('subjectId') subjectId: string,
    @Query() query: TimeParams & { category?: string },
  ): Promise<CheckAnswerDto> {
    const problems: ErrorDetail[] = [];
    idParam('subjectId', subjectId, problems);
    categoryParam(query.category, problems);
    const { model, knowledge } = await this.knowledge(query, problems, { subjectId });
    const answer = checkCategory(model, subjectId, query.category!, knowledge);
    return {
      ...answer,
      subjectKnown: subjectKnown(model, subjectId, knowledge.asOfPosition),
      explanation: explainCheck(model, answer, knowledge),
      ...clocks(knowledge),
    };
  }

  @Get('subjects/:subjectId/timeline')
  @ConsistentRead()
  @CacheableAnswer({ validTimeDefaultsToNow: false })
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      'The intervals over which what each measure restricts for a subject stays the same, each with what changed at its start and why',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'asOfPosition', required: false })
  @ApiOkResponse({ type: SubjectTimelineDto })
  @Header('Content-Type', 'application/json; charset=utf-8')
  async timeline(
    @Param('subjectId') subjectId: string,
    @Query() query: TimeParams & { from?: string; to?: string },
  ): Promise<string> {
    const problems: ErrorDetail[] = [];
    idParam('subjectId', subjectId, problems);
    const { from, to } = windowParams(query, problems);
    const { model, knowledge } = await this.knowledge(
      { asOf: query.asOf, asOfPosition: query.asOfPosition },
      problems,
      { subjectId },
    );
    // A long measure's timeline takes a while to work out: in slices, so other requests are not held up.
    const timeline = await finishPaced(subjectTimelineSteps(model, subjectId, knowledge.asOfPosition, { from, to }));
    const answer: SubjectTimelineDto = {
      ...timeline,
      subjectKnown: subjectKnown(model, subjectId, knowledge.asOfPosition),
      ...clocks(knowledge),
    };
    // Megabytes for a long measure: written in slices too.
    return pacedJson(answer, 'intervals');
  }

  @Get('measures/:measureId')
  @ConsistentRead()
  @CacheableAnswer({ validTimeDefaultsToNow: true })
  @RequiresRole('reader')
  @ApiOperation({ summary: 'One measure as in force at `at`, as known at `asOf`' })
  @TimeQueries()
  @ApiOkResponse({ type: MeasureViewDto })
  @ApiErrors([404], { 404: 'The measure is not known as of asOf' })
  @Header('Content-Type', 'application/json; charset=utf-8')
  async measure(@Param('measureId') measureId: string, @Query() query: TimeParams): Promise<string> {
    const problems: ErrorDetail[] = [];
    idParam('measureId', measureId, problems);
    const { model, knowledge } = await this.knowledge(query, problems, { measureId });
    // A measure of many subjects takes a while: in slices, so other requests are not held up.
    const view = await finishPaced(measureViewSteps(model, measureId, knowledge));
    if (!view) {
      throw new LedgerError(
        'not-found',
        `measure ${measureId} is not known as of position ${knowledge.asOfPosition}${knowledge.notice ? `; ${knowledge.notice}` : ''}`,
        [
          {
            field: 'measureId',
            rule: 'measure-exists',
            message: `no measure ${measureId} ${knowledge.asOf === null ? 'before anything was recorded' : `as of ${knowledge.asOf}`}`,
            value: measureId,
          },
        ],
      );
    }
    const answer: MeasureViewDto = { ...view, ...clocks(knowledge) };
    // The basis lists every standing event of the measure: thousands for a long one, written in slices.
    return pacedJson(answer, 'basis');
  }

  @Post('admin/rebuild')
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Rebuild the read model from the log, from scratch, and swap it in' })
  @ApiResponse({
    status: 201,
    type: RebuildStatsDto,
    description: 'The new read model is in place: what it folded, and how fast',
  })
  async rebuild(): Promise<RebuildStatsDto> {
    return this.readModel.rebuild();
  }
}
