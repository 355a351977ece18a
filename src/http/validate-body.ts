/** A JSON body checked against a class-validator DTO, with every problem named in the project's error shape. */
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { LedgerError, MAX_DETAILS, type ErrorDetail } from '../errors.js';
import { jsonShapeProblems } from '../json-shape.js';

export function bodyProblems<T extends object>(dto: new () => T, body: unknown): { value: T; problems: ErrorDetail[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { value: {} as T, problems: [{ rule: 'isObject', message: 'the body must be a JSON object' }] };
  }
  // Before the DTO: @IsOptional() lets null through as if the field were left out (DOMAIN.md: null is never a value).
  const shape = jsonShapeProblems(body, { max: MAX_DETAILS }).map((problem) =>
    problem.rule === 'unknownField' ? { ...problem, message: `${problem.field} is not a field of this body` } : problem,
  );
  if (shape.length) return { value: {} as T, problems: shape };
  const value = plainToInstance(dto, body);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { value, problems: errors.flatMap((error) => flatten(error, '')) };
}

export function throwIfInvalid(problems: ErrorDetail[]): void {
  if (problems.length) throw new LedgerError('bad-input', problems.map((p) => p.message).join('; '), problems);
}

function flatten(error: ValidationError, parent: string): ErrorDetail[] {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
    field,
    rule: rule === 'whitelistValidation' ? 'unknownField' : rule,
    message: rule === 'whitelistValidation' ? `${field} is not a field of this body` : message,
    ...(typeof error.value !== 'object' || error.value === null ? { value: error.value } : {}),
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, field))];
}
