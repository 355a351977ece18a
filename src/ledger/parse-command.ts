/**
 * Turns an untrusted JSON body into a validated, normalised domain command,
 * or a bad-input error that names every offending field and the rule.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { MAX_CATEGORIES_PER_COMMAND, MAX_SUBJECTS_PER_COMMAND } from '../domain/command-limits.js';
import { COMMAND_TYPES, type CommandType, type LedgerCommand } from '../domain/messages.js';
import { instantOf } from '../domain/time.js';
import { LedgerError, MAX_DETAILS, type ErrorDetail } from '../errors.js';
import { jsonShapeProblems } from '../json-shape.js';
import { AT_LEAST_ONE_OF, DTO_OF } from './dto/command.dto.js';

export interface ParsedCommand {
  commandId?: string;
  expectedRevision?: number;
  command: LedgerCommand;
}

const INSTANT_FIELDS = new Set(['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt', 'publishedAt']);

/** Validates one command body; throws a bad-input LedgerError listing every problem. */
export function parseCommand(body: unknown): ParsedCommand {
  const details = commandProblems(body);
  if (details.length) throw new LedgerError('bad-input', summarise(details), details);
  const { commandId, expectedRevision, ...command } = normaliseInstants(body) as Record<string, unknown>;
  return {
    ...(commandId !== undefined ? { commandId: commandId as string } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision: expectedRevision as number } : {}),
    command: command as unknown as LedgerCommand,
  };
}

/**
 * Validates a correction's replacement as the payload of the command that
 * recorded the corrected event, and answers it normalised.
 */
export function parseReplacement(commandType: CommandType, replacement: unknown): Record<string, unknown> {
  const shape = jsonShapeProblems(replacement, { max: MAX_DETAILS });
  const details = shape.length
    ? shape
    : isPlainObject(replacement)
      ? validateAs(commandType, { ...replacement, type: commandType }).filter((d) => d.field !== 'type')
      : [{ field: '', rule: 'isObject', message: 'replacement must be an object' }];
  const prefixed = details.map((d) => ({ ...d, field: d.field ? `replacement.${d.field}` : 'replacement' }));
  for (const field of ['commandId', 'expectedRevision', 'type']) {
    if (isPlainObject(replacement) && field in replacement) {
      prefixed.push({
        field: `replacement.${field}`,
        rule: 'whitelistValidation',
        message: `replacement.${field} belongs to the command, not to the payload`,
      });
    }
  }
  if (prefixed.length) throw new LedgerError('bad-input', summarise(prefixed), prefixed);
  return normaliseInstants(replacement) as Record<string, unknown>;
}

export function commandProblems(body: unknown): ErrorDetail[] {
  if (!isPlainObject(body)) return [{ rule: 'isObject', message: 'a command must be a JSON object' }];
  // A list far past its cap is refused before anything walks its elements.
  const overlong = overlongLists(body);
  if (overlong.length) return overlong;
  // Depth, nulls and built-in keys first: the validator must never walk such a body.
  const shape = jsonShapeProblems(body, { max: MAX_DETAILS });
  if (shape.length) return shape;
  const type = body.type;
  if (typeof type !== 'string' || !COMMAND_TYPES.includes(type as CommandType)) {
    return [{ field: 'type', rule: 'isIn', message: `type must be one of ${COMMAND_TYPES.join(', ')}`, value: type }];
  }
  return validateAs(type as CommandType, body);
}

function validateAs(type: CommandType, body: Record<string, unknown>): ErrorDetail[] {
  const instance = plainToInstance(DTO_OF[type], body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const details = errors.flatMap((error) => flatten(error, ''));
  const group = AT_LEAST_ONE_OF[type];
  if (group && !group.some((field) => body[field] !== undefined)) {
    details.push({
      field: group[0],
      rule: 'atLeastOneOf',
      message: `${type} needs at least one of ${group.join(', ')}`,
    });
  }
  return details;
}

function flatten(error: ValidationError, parent: string): ErrorDetail[] {
  const field =
    parent === ''
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
  const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
    field,
    rule: rule === 'whitelistValidation' ? 'unknownField' : rule,
    message: rule === 'whitelistValidation' ? `${field} is not a field of this command` : message,
    ...(typeof error.value !== 'object' || error.value === null ? { value: error.value as unknown } : {}),
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, field))];
}

function normaliseInstants(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseInstants);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, (INSTANT_FIELDS.has(key) && instantOf(v)) || normaliseInstants(v)]),
  );
}

/** Top-level lists longer than any a command may hold (the cap on subjects, the largest), named as the validator would. */
function overlongLists(body: Record<string, unknown>): ErrorDetail[] {
  return Object.entries(body).flatMap(([field, value]) => {
    if (!Array.isArray(value) || value.length <= MAX_SUBJECTS_PER_COMMAND) return [];
    const [limit, what] = /categor/i.test(field)
      ? [MAX_CATEGORIES_PER_COMMAND, 'categories']
      : [MAX_SUBJECTS_PER_COMMAND, 'ids'];
    const message = `${field} must name at most ${limit} ${what} in one command (name more through several commands)`;
    return [{ field, rule: 'arrayMaxSize', message }];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function summarise(all: ErrorDetail[]): string {
  const details = all.filter((d) => d.rule !== 'maxDetails');
  const shown = details.slice(0, 3).map((d) => d.message);
  return `invalid command: ${shown.join('; ')}${details.length > 3 ? ` (and ${details.length - 3} more)` : ''}`;
}
