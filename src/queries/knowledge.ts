/**
 * Turns a query's `at`, `asOf` and `asOfPosition` into the valid time and
 * ledger position it is answered for. A record time beyond what the ledger
 * holds is answered for its head, and one before its first recorded event
 * for nothing known; either way the answer says so.
 */
import { positionAsOf, recordTimeAt, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { Knowledge } from '../../projections/subject-queries.js';
import { isCategory } from '../domain/categories.js';
import { parseInstant } from '../domain/time.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { ID_PATTERN } from '../domain/ids.js';
import { positionParam } from './positions.js';

export interface TimeParams {
  at?: string;
  asOf?: string;
  asOfPosition?: string;
}

export interface AnsweredKnowledge extends Knowledge {
  /**
   * The record time answered for, ISO 8601 UTC: the asked one, now, or that of the last event at or before the asked
   * position. Null for a position before anything was recorded: no time was recorded then, and none is made up.
   */
  asOf: string | null;
  /** Set when the asked record time lies beyond the ledger's head, or before its first recorded event. */
  notice?: string;
}

/** The knowledge a report is built from (report.ts), which takes its record time as text: see answered-report.ts. */
export interface ResolvedKnowledge extends Omit<AnsweredKnowledge, 'asOf'> {
  asOf: string;
}

/** "as known at <asOf>", or, for a position before anything was recorded, that nothing was recorded by then. */
export function asKnownText(knowledge: { asOf: string | null }): string {
  return knowledge.asOf === null ? 'before anything was recorded' : `as known at ${knowledge.asOf}`;
}

const INSTANT_RULE = 'an ISO 8601 instant with an offset, or a date';

export function instantParam(field: string, value: string | undefined, problems: ErrorDetail[]): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseInstant(value);
  if (ms === undefined) problems.push({ field, rule: 'isInstant', message: `${field} must be ${INSTANT_RULE}`, value });
  return ms;
}

/** A window of valid time, `from` and `to`, each optional: an empty or reversed one is a mistake to point out. */
export function windowParams(
  query: { from?: string; to?: string },
  problems: ErrorDetail[],
): { from: number | undefined; to: number | undefined } {
  const from = instantParam('from', query.from, problems);
  const to = instantParam('to', query.to, problems);
  if (from !== undefined && to !== undefined && to <= from)
    problems.push({ field: 'to', rule: 'isAfter', message: 'to must be after from', value: query.to });
  return { from, to };
}

export function idParam(field: string, value: string, problems: ErrorDetail[]): void {
  if (!ID_PATTERN.test(value))
    problems.push({ field, rule: 'isId', message: `${field} must be an id: lowercase letters, digits, . _ -`, value });
}

export function categoryParam(value: string | undefined, problems: ErrorDetail[]): void {
  if (value === undefined || value === '')
    problems.push({ field: 'category', rule: 'isDefined', message: 'category is required' });
  else if (!isCategory(value))
    problems.push({
      field: 'category',
      rule: 'isCategory',
      message: 'category must be lowercase segments [a-z0-9][a-z0-9-]* joined by /',
      value,
    });
}

export function throwIfProblems(problems: ErrorDetail[]): void {
  if (problems.length) throw new LedgerError('bad-input', problems.map((p) => p.message).join('; '), problems);
}

/** Validates the time parameters (adding to `problems`); call `resolve` once they are valid. */
export function parseTimeParams(params: TimeParams, problems: ErrorDetail[]) {
  const at = instantParam('at', params.at, problems);
  const asOf = instantParam('asOf', params.asOf, problems);
  const asOfPosition = positionParam('asOfPosition', params.asOfPosition, problems);
  if (asOf !== undefined && asOfPosition !== undefined) {
    problems.push({ field: 'asOfPosition', rule: 'exclusive', message: 'give asOf or asOfPosition, not both' });
  }
  return {
    resolve(model: LedgerReadModel, now: number): AnsweredKnowledge {
      const answered = resolveClocks(model, now, at, asOf, asOfPosition);
      const before = beforeFirstRecord(model, asOf, asOfPosition);
      return before && !answered.notice ? { ...answered, notice: before } : answered;
    },
  };
}

function resolveClocks(
  model: LedgerReadModel,
  now: number,
  at: number | undefined,
  asOf: number | undefined,
  asOfPosition: bigint | undefined,
): AnsweredKnowledge {
  const head = model.position;
  const validTime = at ?? now;
  if (asOfPosition !== undefined) {
    const position = asOfPosition > head ? head : asOfPosition;
    const recorded = recordTimeAt(model, position);
    const nothingYet = recorded === undefined ? '; nothing has been recorded yet, so nothing is known' : '';
    return {
      at: validTime,
      asOfPosition: position,
      asOf: recorded === undefined ? null : new Date(recorded).toISOString(),
      ...(asOfPosition > head
        ? {
            notice: `asOfPosition ${asOfPosition} is beyond the ledger's head; answered for its head, position ${head}${nothingYet}`,
          }
        : recorded === undefined && model.eventCount === 0
          ? { notice: `asOfPosition ${asOfPosition}: nothing has been recorded yet, so nothing is known` }
          : {}),
    };
  }
  if (asOf === undefined) return { at: validTime, asOfPosition: head, asOf: new Date(now).toISOString() };
  return {
    at: validTime,
    asOfPosition: asOf >= now ? head : positionAsOf(model, asOf),
    asOf: new Date(Math.min(asOf, now)).toISOString(),
    ...(asOf > now
      ? {
          notice: `asOf ${new Date(asOf).toISOString()} is beyond what the ledger holds; answered for its head, position ${head}, as of now`,
        }
      : {}),
  };
}

/**
 * A record time before the first recorded event is answered (nothing was
 * known then), but never silently: a "not restricted" for 2019 from a ledger
 * begun in 2026 means "not recorded yet", not "free to trade".
 */
function beforeFirstRecord(
  model: LedgerReadModel,
  asOf: number | undefined,
  asOfPosition: bigint | undefined,
): string | undefined {
  if (model.eventCount === 0) return undefined;
  const firstPosition = BigInt(model.firstPositions[0]!);
  const firstRecorded = new Date(model.recordTimes[0]!).toISOString();
  const first = `the first recorded event (position ${firstPosition}, recorded ${firstRecorded})`;
  if (asOfPosition !== undefined && asOfPosition < firstPosition)
    return `asOfPosition ${asOfPosition} precedes ${first}: nothing had been recorded yet, so there is no record time to answer for (asOf is null) and nothing is answered as restricted`;
  if (asOf !== undefined && asOf < model.recordTimes[0]!)
    return `asOf ${new Date(asOf).toISOString()} precedes ${first}; nothing was known then, so nothing is answered as restricted`;
  return undefined;
}
