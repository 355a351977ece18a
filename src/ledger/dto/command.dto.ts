/**
 * Request bodies of the commands in DOMAIN.md, one class each. Unknown fields
 * are rejected by the validator (whitelist with forbidNonWhitelisted).
 */
import { IsUrl } from 'class-validator';
import type { CommandType } from '../../domain/messages.js';
import {
  CategoryListField,
  IdField,
  IdListField,
  InstantField,
  NestedListField,
  ObjectField,
  RevisionField,
  TextField,
  TypeField,
  UuidField,
} from './fields.js';

export class SourceDto {
  @IsUrl({ require_protocol: true }, { message: 'url must be an absolute URL with a protocol' })
  @TextField({ max: 2000, example: 'https://www.federalregister.gov/d/2019-10616' })
  url!: string;

  @TextField({ optional: true, max: 500 })
  title?: string;

  @InstantField({ optional: true })
  publishedAt?: string;
}

/** What every command accepts: its envelope and its provenance. */
export abstract class CommandDto {
  abstract type: CommandType;

  @UuidField({
    optional: true,
    description: 'Applied twice, the same commandId appends once and answers the first result again.',
  })
  commandId?: string;

  @RevisionField({
    optional: true,
    description:
      "The measure stream's revision the command expects (-1: the measure must not exist yet); 409 on mismatch.",
  })
  expectedRevision?: number;

  @TextField({ optional: true, max: 200, example: '84 FR 22961' })
  citation?: string;

  @NestedListField(() => SourceDto, { optional: true })
  sources?: SourceDto[];

  @InstantField({ optional: true })
  publishedAt?: string;

  @TextField({ optional: true, max: 4000 })
  note?: string;
}

/** A command with legal effect, which may enact an announcement. */
export abstract class LegalCommandDto extends CommandDto {
  @IdField({ optional: true, description: 'The announcement this command puts into force.' })
  enacts?: string;
}

export class ImposeRestrictionDto extends LegalCommandDto {
  @TypeField('ImposeRestriction') type!: 'ImposeRestriction';
  @IdField({ example: 'us-entity-list-huawei' }) measureId!: string;
  @TextField({ max: 500 }) title!: string;
  @TextField({ max: 100, example: 'US' }) jurisdiction!: string;
  @TextField({ max: 200, example: 'BIS' }) authority!: string;
  @IdListField({ example: ['huawei'] }) subjects!: string[];
  @CategoryListField() categories!: string[];
  @InstantField({ example: '2019-05-16T16:15:00-04:00' }) effectiveFrom!: string;
  @InstantField({ optional: true }) effectiveUntil?: string;
  @InstantField({ optional: true }) announcedAt?: string;
}

export class AddSubjectsDto extends LegalCommandDto {
  @TypeField('AddSubjects') type!: 'AddSubjects';
  @IdField() measureId!: string;
  @IdListField() subjects!: string[];
  @InstantField() effectiveFrom!: string;
}

export class RemoveSubjectsDto extends LegalCommandDto {
  @TypeField('RemoveSubjects') type!: 'RemoveSubjects';
  @IdField() measureId!: string;
  @IdListField() subjects!: string[];
  @InstantField() effectiveFrom!: string;
}

export class BroadenScopeDto extends LegalCommandDto {
  @TypeField('BroadenScope') type!: 'BroadenScope';
  @IdField() measureId!: string;
  @CategoryListField() categories!: string[];
  @InstantField() effectiveFrom!: string;
}

export class NarrowScopeDto extends LegalCommandDto {
  @TypeField('NarrowScope') type!: 'NarrowScope';
  @IdField() measureId!: string;
  @InstantField() effectiveFrom!: string;
  @CategoryListField({
    optional: true,
    description: 'Categories carved out of the scope (give this, narrowTo, or both).',
  })
  remove?: string[];
  @CategoryListField({ optional: true, description: 'Keep only these categories of the scope.' }) narrowTo?: string[];
}

export class AnnounceEasingDto extends CommandDto {
  @TypeField('AnnounceEasing') type!: 'AnnounceEasing';
  @IdField() measureId!: string;
  @IdField() announcementId!: string;
  @TextField({ max: 4000 }) statement!: string;
  @InstantField() announcedAt!: string;
  @CategoryListField({ optional: true }) categories?: string[];
}

export class WithdrawAnnouncementDto extends CommandDto {
  @TypeField('WithdrawAnnouncement') type!: 'WithdrawAnnouncement';
  @IdField() measureId!: string;
  @IdField() announcementId!: string;
  @InstantField() withdrawnAt!: string;
}

export class GrantExemptionDto extends LegalCommandDto {
  @TypeField('GrantExemption') type!: 'GrantExemption';
  @IdField() measureId!: string;
  @IdField() exemptionId!: string;
  @TextField({ max: 500 }) title!: string;
  @CategoryListField() categories!: string[];
  @IdListField({ optional: true, description: 'Omitted: every subject of the measure at the time asked.' })
  subjects?: string[];
  @InstantField() effectiveFrom!: string;
  @InstantField({ optional: true }) effectiveUntil?: string;
}

export class AmendExemptionDto extends LegalCommandDto {
  @TypeField('AmendExemption') type!: 'AmendExemption';
  @IdField() measureId!: string;
  @IdField() exemptionId!: string;
  @InstantField() effectiveFrom!: string;
  @InstantField({ optional: true, description: 'The new end: extends or shortens the exemption.' })
  effectiveUntil?: string;
  @CategoryListField({ optional: true }) addCategories?: string[];
  @CategoryListField({ optional: true }) removeCategories?: string[];
  @IdListField({ optional: true }) addSubjects?: string[];
  @IdListField({ optional: true }) removeSubjects?: string[];
}

export class RevokeExemptionDto extends LegalCommandDto {
  @TypeField('RevokeExemption') type!: 'RevokeExemption';
  @IdField() measureId!: string;
  @IdField() exemptionId!: string;
  @InstantField() effectiveFrom!: string;
}

export class LiftRestrictionDto extends LegalCommandDto {
  @TypeField('LiftRestriction') type!: 'LiftRestriction';
  @IdField() measureId!: string;
  @InstantField() effectiveFrom!: string;
}

export class RetractEntryDto extends CommandDto {
  @TypeField('RetractEntry') type!: 'RetractEntry';
  @IdField() measureId!: string;
  @UuidField() eventId!: string;
  @TextField({ max: 4000 }) reason!: string;
}

export class CorrectEntryDto extends CommandDto {
  @TypeField('CorrectEntry') type!: 'CorrectEntry';
  @IdField() measureId!: string;
  @UuidField() eventId!: string;
  @TextField({ max: 4000 }) reason!: string;
  @ObjectField({
    description:
      "The corrected event's payload, whole: the fields of the command that recorded it, without type, commandId and expectedRevision.",
  })
  replacement!: Record<string, unknown>;
}

export const DTO_OF: Record<CommandType, new () => CommandDto> = {
  ImposeRestriction: ImposeRestrictionDto,
  AddSubjects: AddSubjectsDto,
  RemoveSubjects: RemoveSubjectsDto,
  BroadenScope: BroadenScopeDto,
  NarrowScope: NarrowScopeDto,
  AnnounceEasing: AnnounceEasingDto,
  WithdrawAnnouncement: WithdrawAnnouncementDto,
  GrantExemption: GrantExemptionDto,
  AmendExemption: AmendExemptionDto,
  RevokeExemption: RevokeExemptionDto,
  LiftRestriction: LiftRestrictionDto,
  RetractEntry: RetractEntryDto,
  CorrectEntry: CorrectEntryDto,
};

/** Groups of fields of which at least one must be given. */
export const AT_LEAST_ONE_OF: Partial<Record<CommandType, string[]>> = {
  NarrowScope: ['remove', 'narrowTo'],
  AmendExemption: ['effectiveUntil', 'addCategories', 'removeCategories', 'addSubjects', 'removeSubjects'],
};
