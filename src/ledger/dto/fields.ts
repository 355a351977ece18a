/**
 * Field decorators that state each rule once for both class-validator (the
 * check) and Swagger (the OpenAPI schema), so the documentation cannot drift
 * from what is enforced.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { isCategory } from '../../domain/categories.js';
import { MAX_CATEGORIES_PER_COMMAND, MAX_SUBJECTS_PER_COMMAND } from '../../domain/command-limits.js';
import { ID_PATTERN, ID_RULE } from '../../domain/ids.js';
import { INSTANT_RULE, isInstant } from '../../domain/time.js';

interface FieldOptions {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

const optionalIf = (optional: boolean | undefined) => (optional ? [IsOptional()] : []);

const api = (options: FieldOptions, schema: Record<string, unknown>) =>
  ApiProperty({ required: !options.optional, description: options.description, example: options.example, ...schema });

function IsInstant(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => isInstant(value),
        defaultMessage: (args) =>
          `${args?.property} must be ${INSTANT_RULE}${validationOptions?.each ? ' in each element' : ''}`,
      },
    },
    validationOptions,
  );
}

/** As class-validator's ArrayUnique (same rule name and message), in linear time: its own compares every pair. */
function UniqueItems(): PropertyDecorator {
  return ValidateBy({
    name: 'arrayUnique',
    validator: {
      validate: (value) => Array.isArray(value) && new Set(value).size === value.length,
      defaultMessage: (args) => `${args?.property}'s elements must be unique`,
    },
  });
}

export const InstantField = (options: FieldOptions = {}) =>
  applyDecorators(...optionalIf(options.optional), IsInstant(), api(options, { type: String, format: 'date-time' }));

export const IdField = (options: FieldOptions = {}) =>
  applyDecorators(
    ...optionalIf(options.optional),
    IsString(),
    Matches(ID_PATTERN, { message: (args) => `${args.property} must be an id: ${ID_RULE}` }),
    api(options, { type: String, pattern: ID_PATTERN.source }),
  );

export const IdListField = (options: FieldOptions = {}) =>
  applyDecorators(
    ...optionalIf(options.optional),
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_SUBJECTS_PER_COMMAND, {
      message: (args) =>
        `${args.property} must name at most ${MAX_SUBJECTS_PER_COMMAND} ids in one command (name more through several commands)`,
    }),
    UniqueItems(),
    Matches(ID_PATTERN, { each: true, message: (args) => `each of ${args.property} must be an id: ${ID_RULE}` }),
    api(options, { type: [String], minItems: 1, maxItems: MAX_SUBJECTS_PER_COMMAND, uniqueItems: true }),
  );

export const CategoryListField = (options: FieldOptions = {}) =>
  applyDecorators(
    ...optionalIf(options.optional),
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_CATEGORIES_PER_COMMAND, {
      message: (args) =>
        `${args.property} must name at most ${MAX_CATEGORIES_PER_COMMAND} categories in one command (name more through several commands)`,
    }),
    UniqueItems(),
    ValidateBy({
      name: 'isCategoryList',
      validator: {
        validate: (value) => Array.isArray(value) && value.every(isCategory),
        defaultMessage: (args) =>
          `each of ${args?.property} must be a category: lowercase segments [a-z0-9][a-z0-9-]* joined by /`,
      },
    }),
    api(options, {
      type: [String],
      minItems: 1,
      maxItems: MAX_CATEGORIES_PER_COMMAND,
      example: options.example ?? ['exports'],
    }),
  );

export const TextField = (options: FieldOptions & { max?: number } = {}) =>
  applyDecorators(
    ...optionalIf(options.optional),
    IsString(),
    MinLength(1),
    MaxLength(options.max ?? 2000),
    api(options, { type: String, minLength: 1, maxLength: options.max ?? 2000 }),
  );

export const UuidField = (options: FieldOptions = {}) =>
  applyDecorators(...optionalIf(options.optional), IsUUID('all'), api(options, { type: String, format: 'uuid' }));

export const RevisionField = (options: FieldOptions = {}) =>
  applyDecorators(...optionalIf(options.optional), IsInt(), Min(-1), api(options, { type: Number, minimum: -1 }));

export const TypeField = (type: string) => applyDecorators(IsIn([type]), ApiProperty({ enum: [type], required: true }));

export const NestedListField = (cls: () => new () => object, options: FieldOptions = {}) =>
  applyDecorators(
    ...optionalIf(options.optional),
    IsArray(),
    ValidateNested({ each: true }),
    Type(cls),
    ApiProperty({ required: !options.optional, type: () => [cls()] }),
  );

export const ObjectField = (options: FieldOptions = {}) =>
  applyDecorators(...optionalIf(options.optional), IsObject(), api(options, { type: Object }));
