/** The investigations' answers, as the OpenAPI document states them. */
import { ApiProperty } from '@nestjs/swagger';
import type { Changes, ReplayOrder, Snapshot, ValidTimeChange } from '../../../projections/replay.js';
import type { CategorySetAnswer } from '../../domain/categories.js';
import { EVENT_TYPES, type EventType } from '../../domain/messages.js';
import { DigestDto, LeafDto } from '../../integrity/dto/proofs.js';
import {
  BasisEntryDto,
  ExemptionAnswerDto,
  ExplanationStepDto,
  PendingAnswerDto,
  RestrictionAnswerDto,
  SetAsideEventDto,
} from '../../queries/dto/answers.js';
import type { Provenance } from '../provenance.js';
import type { ReportBasisEvent, ReportRestriction, ReportVerdict } from '../report.js';
import type { AnsweredReport } from '../answered-report.js';
import type { ReplayWithProvenance } from '../replay.js';
import type { ReportTimeline } from '../report-timeline.js';

const DECIMAL = '^[0-9]+$';
const CHECK_STATUSES = ['restricted', 'partially-restricted', 'not-restricted'];

/** A category set as every answer gives it: the categories, and the subcategories excepted from them. */
export class CategorySetDto implements CategorySetAnswer {
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
}

export class SnapshotDto implements Snapshot {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ pattern: DECIMAL }) asOfPosition!: string;
  @ApiProperty({ type: () => CategorySetDto }) restricted!: CategorySetDto;
  @ApiProperty({ type: () => CategorySetDto }) exempt!: CategorySetDto;
  @ApiProperty({ type: [String], description: '`<measureId>/<announcementId or "imposition">`' }) pending!: string[];
}

export class ChangeSetDto {
  @ApiProperty({ type: () => CategorySetDto }) restricted!: CategorySetDto;
  @ApiProperty({ type: () => CategorySetDto }) exempt!: CategorySetDto;
  @ApiProperty({ type: [String] }) pending!: string[];
}

export class ChangesDto implements Changes {
  @ApiProperty({ type: () => ChangeSetDto }) became!: ChangeSetDto;
  @ApiProperty({ type: () => ChangeSetDto }) stopped!: ChangeSetDto;
}

export class ValidTimeChangeDto implements ValidTimeChange {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Exclusive; null: from `from` on' })
  until!: string | null;
  @ApiProperty({ type: () => SnapshotDto }) before!: SnapshotDto;
  @ApiProperty({ type: () => SnapshotDto }) after!: SnapshotDto;
  @ApiProperty({ type: () => ChangesDto }) changes!: ChangesDto;
}

/** A source as an event records it (see the commands' schemas). */
export class SourceAnswerDto {
  @ApiProperty() url!: string;
  @ApiProperty({ required: false }) title?: string;
  @ApiProperty({ required: false, format: 'date-time' }) publishedAt?: string;
}

export class ProvenanceDto implements Provenance {
  @ApiProperty({ required: false }) actor?: string;
  @ApiProperty({ required: false }) commandId?: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ required: false, type: () => [SourceAnswerDto] }) sources?: SourceAnswerDto[];
  @ApiProperty({ required: false }) note?: string;
  @ApiProperty({ required: false }) hash?: string;
}

export class CauseDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: EventType;
  @ApiProperty() measureId!: string;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ enum: ['starts', 'ends'] }) role!: 'starts' | 'ends';
  @ApiProperty({ type: () => ProvenanceDto }) provenance!: ProvenanceDto;
}

type Step = ReplayWithProvenance['steps'][number];

export class ReplayStepDto implements Step {
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: DECIMAL,
    description: 'The one event the step is; null for a change with several causes',
  })
  position!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) recordedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) eventId!: string | null;
  @ApiProperty({ type: String, nullable: true }) type!: string | null;
  @ApiProperty({ type: String, nullable: true }) measureId!: string | null;
  @ApiProperty({ format: 'date-time', description: 'The valid time this step concerns' }) effectiveAt!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ type: () => SnapshotDto }) before!: SnapshotDto;
  @ApiProperty({ type: () => SnapshotDto }) after!: SnapshotDto;
  @ApiProperty({ type: () => ChangesDto }) changes!: ChangesDto;
  @ApiProperty({
    required: false,
    type: () => [ValidTimeChangeDto],
    description:
      'Record order: every valid-time interval whose state the event changed (empty exactly when unchanged); `changes` is what changed at `effectiveAt` alone',
  })
  changedIntervals?: ValidTimeChangeDto[];
  @ApiProperty({ description: 'Nothing about the subject changed at this step (record order: at no valid time)' })
  unchanged!: boolean;
  @ApiProperty({
    type: () => [CauseDto],
    description: 'The events without which this change would not happen (empty for an unchanged step)',
  })
  causes!: CauseDto[];
  @ApiProperty({ type: () => ProvenanceDto }) provenance!: ProvenanceDto;
}

export class ReplayDto {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ enum: ['record', 'valid'] }) order!: ReplayOrder;
  @ApiProperty({ pattern: DECIMAL }) asOfPosition!: string;
  @ApiProperty({ type: () => [ReplayStepDto] }) steps!: ReplayStepDto[];
  @ApiProperty() subjectKnown!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Record time the answer is for; null for a position before anything was recorded',
  })
  asOf!: string | null;
  @ApiProperty({ required: false }) notice?: string;
  @ApiProperty({ required: false, type: () => [SetAsideEventDto] }) setAside?: SetAsideEventDto[];
}

export class ReportSourceDto {
  @ApiProperty({ required: false }) title?: string;
  @ApiProperty({ required: false }) url?: string;
  @ApiProperty({ required: false }) publishedAt?: string;
}

export class ReportProofDto {
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ type: () => LeafDto }) leaf!: LeafDto;
  @ApiProperty({ type: [String] }) auditPath!: string[];
}

export class ReportBasisEventDto implements ReportBasisEvent {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: string;
  @ApiProperty() measureId!: string;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ required: false, type: () => [ReportSourceDto] }) sources?: ReportSourceDto[];
  @ApiProperty({ required: false }) note?: string;
  @ApiProperty({ required: false }) actor?: string;
  @ApiProperty({ type: () => ReportProofDto, description: 'Inclusion proof in the tree of the digest' })
  proof!: ReportProofDto;
}

export class ReportRestrictionDto extends RestrictionAnswerDto implements ReportRestriction {
  @ApiProperty({ format: 'date-time' }) restrictedSince!: string;
  @ApiProperty({ format: 'date-time' }) categoriesSince!: string;
}

export class ReportVerdictDto implements ReportVerdict {
  @ApiProperty() category!: string;
  @ApiProperty({ enum: CHECK_STATUSES }) status!: ReportVerdict['status'];
  @ApiProperty({ type: () => [ExplanationStepDto] }) explanation!: ExplanationStepDto[];
}

export class ReportStateDto {
  @ApiProperty({ type: () => [ReportRestrictionDto] }) restricted!: ReportRestrictionDto[];
  @ApiProperty({ type: () => [ExemptionAnswerDto] }) exemptions!: ExemptionAnswerDto[];
  @ApiProperty({ type: () => [PendingAnswerDto] }) pending!: PendingAnswerDto[];
}

/** A category set of the report's timeline: listed when small, otherwise named by the id of its one listing in `categorySets`. */
export class ReportSetDto {
  @ApiProperty({ required: false, type: [String] }) categories?: string[];
  @ApiProperty({ required: false, type: [String] }) except?: string[];
  @ApiProperty({ required: false, description: 'In place of categories and except: the id of a set in categorySets' })
  categorySet?: string;
}

export class ReportMeasureSetDto extends ReportSetDto {
  @ApiProperty() measureId!: string;
}

export class ReportBecameDto {
  @ApiProperty({ type: () => ReportSetDto }) restricted!: ReportSetDto;
  @ApiProperty({ type: () => ReportSetDto }) unrestricted!: ReportSetDto;
}

export class ReportTimelineIntervalDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) until!: string | null;
  @ApiProperty({ type: () => [ReportMeasureSetDto] }) restricted!: ReportMeasureSetDto[];
  @ApiProperty({ type: () => ReportBecameDto }) became!: ReportBecameDto;
  @ApiProperty({ type: () => [BasisEntryDto] }) changes!: BasisEntryDto[];
}

export class NamedCategorySetDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
}

export class SharedExplanationDto {
  @ApiProperty() id!: string;
  @ApiProperty() measureId!: string;
  @ApiProperty({ type: () => [ExplanationStepDto] }) steps!: ExplanationStepDto[];
}

/** The report's timeline: the timeline query's answer without its clocks, large sets named. */
export class TimelineOfReportDto {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ pattern: DECIMAL }) asOfPosition!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) from!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
  @ApiProperty({ type: () => [ReportTimelineIntervalDto] }) intervals!: ReportTimelineIntervalDto[];
}

export class SubjectReportDto implements AnsweredReport {
  @ApiProperty() subjectId!: string;
  @ApiProperty() subjectKnown!: boolean;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Record time the report is for; null for a position before anything was recorded',
  })
  asOf!: string | null;
  @ApiProperty({ pattern: DECIMAL }) asOfPosition!: string;
  @ApiProperty({ required: false }) notice?: string;
  @ApiProperty({ enum: ['asked', 'default'] }) categoriesFrom!: 'asked' | 'default';
  @ApiProperty({ type: () => [ReportVerdictDto] }) verdicts!: ReportVerdictDto[];
  @ApiProperty({ type: () => ReportStateDto }) state!: ReportStateDto;
  @ApiProperty({ type: () => [ReportBasisEventDto] }) basis!: ReportBasisEventDto[];
  // The schema states either form of a set as optional fields; the type keeps them exclusive.
  @ApiProperty({ type: () => TimelineOfReportDto }) timeline!: ReportTimeline;
  @ApiProperty({
    type: () => [NamedCategorySetDto],
    description: 'The large category sets explanations and the timeline name ("category set 1"), each listed once',
  })
  categorySets!: NamedCategorySetDto[];
  @ApiProperty({
    type: () => [SharedExplanationDto],
    description:
      'In a report of more than 20 verdicts: the steps a measure gives for every category, once; a verdict refers to them by id',
  })
  sharedExplanations!: SharedExplanationDto[];
  @ApiProperty({ type: () => DigestDto }) digest!: DigestDto;
}
