/**
 * The subjects and measures the ledger knows, for finding one to ask about:
 * `GET /v1/subjects` and `GET /v1/measures`, narrowed by an id prefix and
 * paged by id.
 */
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { listMeasures, listSubjects } from '../../projections/listings.js';
import { RequiresRole } from '../auth/auth.guard.js';
import { DEFAULT_LISTING_PAGE, MAX_LISTING_PAGE, parseListing, type ListingParams } from './listing-params.js';
import { ReadModelService } from './read-model.service.js';
import { ConsistentRead } from './consistent-read.js';
import { ApiKeyRouteErrors } from '../http/error-response.dto.js';

class RecordStampDto {
  @ApiProperty({ description: 'Ledger position, a decimal string', example: '1' })
  position!: string;
  @ApiProperty({ description: 'Record time, ISO 8601 UTC' })
  recordedAt!: string;
}

class MeasureRefDto {
  @ApiProperty()
  measureId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The measure's title as known now; null when its imposition cannot be read or is retracted",
  })
  title!: string | null;
}

class SubjectListingDto {
  @ApiProperty({ example: 'huawei' })
  subjectId!: string;
  @ApiProperty({ type: [MeasureRefDto], description: 'The measures whose events have named the subject' })
  measures!: MeasureRefDto[];
  @ApiProperty({
    description: 'Events of those measures from the first that named the subject (the events its replay steps through)',
  })
  events!: number;
  @ApiProperty({ type: RecordStampDto })
  firstRecord!: RecordStampDto;
  @ApiProperty({ type: RecordStampDto })
  lastRecord!: RecordStampDto;
}

class MeasureListingDto {
  @ApiProperty({ example: 'us-ear-entity-list-huawei' })
  measureId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its title as known now; null when its imposition cannot be read or is retracted',
  })
  title!: string | null;
  @ApiProperty({ description: 'How many subjects its events have named' })
  subjects!: number;
  @ApiProperty({ description: 'Events recorded on its stream, readable or not' })
  events!: number;
  @ApiProperty({ type: RecordStampDto })
  firstRecord!: RecordStampDto;
  @ApiProperty({ type: RecordStampDto })
  lastRecord!: RecordStampDto;
}

class SubjectPageDto {
  @ApiProperty({ type: [SubjectListingDto] })
  items!: SubjectListingDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The `after` of the next page; null on the last' })
  next!: string | null;
}

class MeasurePageDto {
  @ApiProperty({ type: [MeasureListingDto] })
  items!: MeasureListingDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The `after` of the next page; null on the last' })
  next!: string | null;
}

function ListingQueries(kind: string): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({ name: 'prefix', required: false, description: `Only ${kind} whose id starts with this` })(
      target,
      key,
      descriptor,
    );
    ApiQuery({
      name: 'after',
      required: false,
      description: 'The last id of the previous page (the `next` of its answer)',
    })(target, key, descriptor);
    ApiQuery({
      name: 'limit',
      required: false,
      description: `Page size, 1 to ${MAX_LISTING_PAGE} (default ${DEFAULT_LISTING_PAGE})`,
    })(target, key, descriptor);
  };
}

@ApiTags('queries')
@ApiBearerAuth()
@ApiKeyRouteErrors()
@Controller('v1')
export class ListingsController {
  constructor(@Inject(ReadModelService) private readonly readModel: ReadModelService) {}

  @Get('subjects')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({
    summary:
      'The subjects the ledger knows, by id: the measures naming each, how many events, the first and last record',
  })
  @ListingQueries('subjects')
  @ApiOkResponse({ type: SubjectPageDto })
  async subjects(@Query() query: ListingParams): Promise<SubjectPageDto> {
    const listing = parseListing(query);
    return listSubjects(await this.readModel.current(), listing);
  }

  @Get('measures')
  @ConsistentRead()
  @RequiresRole('reader')
  @ApiOperation({
    summary: 'The measures the ledger knows, by id: title, how many subjects and events, the first and last record',
  })
  @ListingQueries('measures')
  @ApiOkResponse({ type: MeasurePageDto })
  async measures(@Query() query: ListingParams): Promise<MeasurePageDto> {
    const listing = parseListing(query);
    return listMeasures(await this.readModel.current(), listing);
  }
}
