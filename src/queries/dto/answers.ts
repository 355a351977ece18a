/**
 * The queries' answers, as the OpenAPI document states them. Each class
 * implements the projection's own type, so the compiler keeps them together.
 */
import { ApiProperty } from '@nestjs/swagger';
import type { ExplanationKind, ExplanationStep } from '../../../projections/explain.js';
import type { SetAsideEvent } from '../../../projections/ledger-read-model.js';
import type { MeasureView } from '../../../projections/measure-view.js';
import {
  NOT_RESTRICTING_REASONS,
  type NotRestrictingAnswer,
  type NotRestrictingReason,
} from '../../../projections/not-restricting.js';
import type {
  CheckAnswer,
  CheckStatus,
  ExemptionAnswer,
  PendingAnswer,
  RestrictionAnswer,
  SubjectState,
  SubjectTimeline,
  TimelineInterval,
} from '../../../projections/subject-queries.js';
import type { BasisEntry } from '../../domain/basis.js';
import { EVENT_TYPES, type EventType } from '../../domain/messages.js';
import type { RebuildStats } from '../read-model.service.js';

export const DECIMAL = '^[0-9]+$';
const CHECK_STATUSES: CheckStatus[] = ['restricted', 'partially-restricted', 'not-restricted'];

export class BasisEntryDto implements BasisEntry {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'RestrictionImposed' }) type!: EventType;
  @ApiProperty({ pattern: DECIMAL, example: '1' }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ required: false, example: '84 FR 22961' }) citation?: string;
}

export class SetAsideEventDto implements SetAsideEvent {
  @ApiProperty() measureId!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty() reason!: string;
}

/** What every answer says about its record time, and what it could not read. */
export class KnowledgeDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Record time the answer is for; null for a position before anything was recorded',
  })
  asOf!: string | null;
  @ApiProperty({ pattern: DECIMAL, description: 'The same record time as a ledger position' }) asOfPosition!: string;
  @ApiProperty({
    required: false,
    description: 'Set when the answer may be incomplete: what the ledger does not know, and why',
  })
  notice?: string;
  @ApiProperty({
    required: false,
    type: () => [SetAsideEventDto],
    description: 'Stored events of these measures that cannot be read',
  })
  setAside?: SetAsideEventDto[];
}

export class SubjectAnswerDto extends KnowledgeDto {
  @ApiProperty({
    description:
      'Whether any measure named the subject as of asOf: false means the ledger knows nothing of it, not that it is free',
  })
  subjectKnown!: boolean;
}

export class RestrictionAnswerDto implements RestrictionAnswer {
  @ApiProperty({ example: 'us-entity-list-huawei' }) measureId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ type: [String], example: ['exports'] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
  @ApiProperty({ type: () => [BasisEntryDto] }) basis!: BasisEntryDto[];
}

export class ExemptionAnswerDto implements ExemptionAnswer {
  @ApiProperty() measureId!: string;
  @ApiProperty() exemptionId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveUntil!: string | null;
  @ApiProperty({ type: () => [BasisEntryDto] }) basis!: BasisEntryDto[];
}

export class PendingAnswerDto implements PendingAnswer {
  @ApiProperty() measureId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for a measure announced but not yet in force' })
  announcementId!: string | null;
  @ApiProperty({ enum: ['easing', 'imposition'] }) kind!: 'easing' | 'imposition';
  @ApiProperty() statement!: string;
  @ApiProperty({ format: 'date-time' }) announcedAt!: string;
  @ApiProperty({ required: false, type: [String] }) categories?: string[];
  @ApiProperty({ type: () => [BasisEntryDto] }) basis!: BasisEntryDto[];
}

export class SubjectStateDto extends SubjectAnswerDto implements SubjectState {
  @ApiProperty({ example: 'huawei' }) subjectId!: string;
  @ApiProperty({ format: 'date-time', description: 'Valid time the answer is for' }) at!: string;
  @ApiProperty({ type: () => [RestrictionAnswerDto] }) restricted!: RestrictionAnswerDto[];
  @ApiProperty({ type: () => [ExemptionAnswerDto] }) exemptions!: ExemptionAnswerDto[];
  @ApiProperty({ type: () => [PendingAnswerDto] }) pending!: PendingAnswerDto[];
}

export class CheckedMeasureDto extends RestrictionAnswerDto {
  @ApiProperty({ enum: CHECK_STATUSES }) status!: CheckStatus;
}

export class NotRestrictingDto implements NotRestrictingAnswer {
  @ApiProperty() measureId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({
    enum: NOT_RESTRICTING_REASONS,
    description:
      'Why it does not restrict the category at `at`: the first condition that fails, in this order: in force (`begins`, `lifted`, `ended`), names the subject (`subject-removed`, `subject-added-later`), scope overlaps the category (`scope-narrowed`, `scope-broadened-later`)',
  })
  reason!: NotRestrictingReason;
  @ApiProperty({
    format: 'date-time',
    description: 'When the reason took effect (at or before `at`) or when it stops holding (after `at`)',
  })
  on!: string;
  @ApiProperty({ type: () => [BasisEntryDto], description: 'The imposition and the events that decide the reason' })
  basis!: BasisEntryDto[];
}

export class EventRefDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty({ required: false }) citation?: string;
}

export class ExplanationStepDto implements ExplanationStep {
  @ApiProperty({
    enum: [
      'restriction',
      'subject',
      'scope',
      'exemption',
      'not-restricting',
      'pending',
      'correction',
      'retraction',
      'verdict',
    ],
  })
  kind!: ExplanationKind;
  @ApiProperty({ example: 'Restricted: exports by us-entity-list-huawei (84 FR 22961).' }) sentence!: string;
  @ApiProperty({ required: false }) measureId?: string;
  @ApiProperty({ type: () => [EventRefDto] }) events!: EventRefDto[];
}

export class CheckAnswerDto extends SubjectAnswerDto implements CheckAnswer {
  @ApiProperty({ example: 'huawei' }) subjectId!: string;
  @ApiProperty({ example: 'exports' }) category!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: CHECK_STATUSES }) status!: CheckStatus;
  @ApiProperty({ type: () => [CheckedMeasureDto] }) measures!: CheckedMeasureDto[];
  @ApiProperty({ type: () => [ExemptionAnswerDto] }) exemptions!: ExemptionAnswerDto[];
  @ApiProperty({ type: () => [PendingAnswerDto] }) pending!: PendingAnswerDto[];
  @ApiProperty({
    type: () => [NotRestrictingDto],
    description:
      "The subject's measures that do not bear on the category at `at`, though at some other valid time, in force and naming the subject, their scope overlapped the part of it not restricted at `at`; each with why not. Empty when the category is restricted whole",
  })
  notRestricting!: NotRestrictingDto[];
  @ApiProperty({
    type: () => [BasisEntryDto],
    description:
      'The events that decide the verdict: those of the measures and exemptions involved, and of the measures that do not restrict it (`notRestricting`)',
  })
  basis!: BasisEntryDto[];
  @ApiProperty({
    type: () => [ExplanationStepDto],
    description: 'The verdict in sentences, each with the events it rests on',
  })
  explanation!: ExplanationStepDto[];
}

export class CategoryListDto {
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
}

export class MeasureCategoriesDto extends CategoryListDto {
  @ApiProperty() measureId!: string;
}

export class BecameDto {
  @ApiProperty({ type: () => CategoryListDto }) restricted!: CategoryListDto;
  @ApiProperty({ type: () => CategoryListDto }) unrestricted!: CategoryListDto;
}

export class TimelineIntervalDto implements TimelineInterval {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null: open-ended (as known at asOf)',
  })
  until!: string | null;
  @ApiProperty({ type: () => [MeasureCategoriesDto] }) restricted!: MeasureCategoriesDto[];
  @ApiProperty({ type: () => BecameDto, description: 'What became restricted, and stopped being, at `from`' })
  became!: BecameDto;
  @ApiProperty({ type: () => [BasisEntryDto], description: 'The events that cause the change at `from`' })
  changes!: BasisEntryDto[];
}

export class SubjectTimelineDto extends SubjectAnswerDto implements SubjectTimeline {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) from!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
  @ApiProperty({ type: () => [TimelineIntervalDto] }) intervals!: TimelineIntervalDto[];
}

export class MeasureExemptionDto {
  @ApiProperty() exemptionId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty({ type: [String] }) except!: string[];
  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'string', enum: ['all'] },
    ],
    description:
      "The subjects of the measure at `at` it covers; 'all': every subject of the measure at `at` but `withoutSubjects`",
  })
  subjects!: string[] | 'all';
  @ApiProperty({ type: [String], description: 'Subjects of the measure at `at` taken off the exemption' })
  withoutSubjects!: string[];
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveUntil!: string | null;
  @ApiProperty({ type: () => [BasisEntryDto] }) basis!: BasisEntryDto[];
}

export class MeasurePendingDto {
  @ApiProperty() announcementId!: string;
  @ApiProperty() statement!: string;
  @ApiProperty({ format: 'date-time' }) announcedAt!: string;
  @ApiProperty({ type: () => [BasisEntryDto] }) basis!: BasisEntryDto[];
}

export class MeasureViewDto extends KnowledgeDto implements MeasureView {
  @ApiProperty({ example: 'us-entity-list-huawei' }) measureId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'US' }) jurisdiction!: string;
  @ApiProperty({ example: 'BIS' }) authority!: string;
  @ApiProperty({ required: false }) citation?: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) announcedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveUntil!: string | null;
  @ApiProperty() inForce!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) liftedFrom!: string | null;
  @ApiProperty({ type: [String] }) subjects!: string[];
  @ApiProperty({ type: () => CategoryListDto }) scope!: CategoryListDto;
  @ApiProperty({ type: () => [MeasureExemptionDto] }) exemptions!: MeasureExemptionDto[];
  @ApiProperty({ type: () => [MeasurePendingDto] }) pending!: MeasurePendingDto[];
  @ApiProperty({ type: () => [BasisEntryDto], description: 'Every standing event of the measure as known at asOf' })
  basis!: BasisEntryDto[];
}

export class RebuildStatsDto implements RebuildStats {
  @ApiProperty() events!: number;
  @ApiProperty() measures!: number;
  @ApiProperty() subjects!: number;
  @ApiProperty({ pattern: DECIMAL }) position!: string;
  @ApiProperty() seconds!: number;
  @ApiProperty() eventsPerSecond!: number;
}
