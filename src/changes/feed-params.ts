/**
 * The change feeds' parameters, read the same way by HTTP and the CLI, and
 * checked before a stream starts: once an SSE response has begun, an error
 * can no longer be answered as a 400.
 */
import { EVENT_TYPES } from '../domain/messages.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import { idParam } from '../queries/knowledge.js';
import { positionParam } from '../queries/positions.js';
import type { ChangeFilter } from './change-filter.js';
import { CLOUD_EVENT_TYPE_PREFIX } from './cloud-events.js';
import { parseKeyId } from './effective-feed.js';

/** The effective feed's key before every transition: records from the first position, instants from the epoch. */
export const EFFECTIVE_FROM_START = '0-1-0-';

/**
 * A comma-separated list (HTTP) or repeated option (CLI), items as given: an
 * empty item (`huawei,`) or one with spaces is refused by the item's rule
 * rather than quietly dropped or trimmed. An empty value is no filter.
 */
export function listParam(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
}

/** Event types by their name (`SubjectsAdded`) or the CloudEvents type the feed sends (`org.regledger.SubjectsAdded`). */
export function typeFilter(values: string[] | undefined, problems: ErrorDetail[]): string[] | undefined {
  return values?.map((value) => {
    const name = value.startsWith(CLOUD_EVENT_TYPE_PREFIX) ? value.slice(CLOUD_EVENT_TYPE_PREFIX.length) : value;
    if (!EVENT_TYPES.includes(name as never)) {
      problems.push({
        field: 'type',
        rule: 'isIn',
        message: `type ${value} is not an event type; one of ${EVENT_TYPES.join(', ')} (optionally prefixed ${CLOUD_EVENT_TYPE_PREFIX})`,
        value,
      });
    }
    return name;
  });
}

function idList(field: string, values: string[] | undefined, problems: ErrorDetail[]): void {
  for (const value of values ?? []) idParam(field, value, problems);
}

/** The ledger feed's filter, with every problem named. */
export function ledgerFilter(
  params: { subject?: string | string[]; measure?: string | string[]; type?: string | string[] },
  problems: ErrorDetail[],
): ChangeFilter {
  const filter = {
    subjects: listParam(params.subject),
    measures: listParam(params.measure),
    types: listParam(params.type),
  };
  idList('subject', filter.subjects, problems);
  idList('measure', filter.measures, problems);
  return { ...filter, types: typeFilter(filter.types, problems) };
}

export function subjectFilter(value: string | string[] | undefined, problems: ErrorDetail[]): string[] | undefined {
  const subjects = listParam(value);
  idList('subject', subjects, problems);
  return subjects;
}

/**
 * Where the ledger feed resumes: a position (0 replays everything); undefined starts from now. Written as the feed
 * writes ids, without leading zeros, the rule the effective feed's ids follow: `05` was never sent.
 */
export function ledgerResume(field: string, value: string | undefined, problems: ErrorDetail[]): bigint | undefined {
  if (value !== undefined && /^0\d/.test(value)) {
    problems.push({
      field,
      rule: 'isPosition',
      message: `${field} must be a ledger position as the feed sends it: a whole number without leading zeros`,
      value,
    });
    return undefined;
  }
  return positionParam(field, value, problems);
}

/**
 * X-Min-Position, which a client may set on every request: a feed reads the store itself, so it has nothing to wait
 * for, but a value that is not a position is refused as the reads refuse it, never passed over.
 */
export function feedMinPosition(value: string | undefined, problems: ErrorDetail[]): void {
  if (value === '')
    problems.push({
      field: 'X-Min-Position',
      rule: 'isNotEmpty',
      message: 'X-Min-Position is empty: give a ledger position, or leave the header out',
      value,
    });
  else positionParam('X-Min-Position', value, problems);
}

/** Where the effective feed resumes: a transition id, or 0 for the start; undefined starts from now. */
export function effectiveResume(field: string, value: string | undefined, problems: ErrorDetail[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '0') return EFFECTIVE_FROM_START;
  try {
    const key = parseKeyId(value);
    const positionProblems: ErrorDetail[] = [];
    positionParam(field, key.position.toString(), positionProblems);
    problems.push(...positionProblems.map((p) => ({ ...p, value })));
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    problems.push(...error.details.map((d) => ({ ...d, field })));
  }
  return value;
}

/**
 * A resume position past the ledger's newest was never sent by any feed: a
 * client holding one (a typo, another ledger's id) would silently miss every
 * event up to it. Refused, as webhooks and consumers refuse it.
 */
export function checkResumeWithinLog(
  field: string,
  position: bigint | undefined,
  head: bigint,
  value: string | undefined,
  problems: ErrorDetail[],
): void {
  if (position === undefined || position <= head) return;
  problems.push({
    field,
    rule: 'isRecordedPosition',
    message: `${field} names position ${position}, past the ledger's newest position ${head}`,
    value,
  });
}

/**
 * How far ahead of this server's clock (or of the newest record time, if later) a resume id's time may be: ids made
 * by another instance whose clock runs a little ahead. An id further ahead was never sent, and would skip every
 * transition due before its time.
 */
export const RESUME_CLOCK_TOLERANCE_MS = 5_000;

/** Refuses an effective-feed resume id whose time is later than any this ledger can have sent. */
export function checkResumeNotAhead(
  field: string,
  time: number,
  latest: number,
  value: string | undefined,
  problems: ErrorDetail[],
): void {
  if (time <= latest + RESUME_CLOCK_TOLERANCE_MS) return;
  problems.push({
    field,
    rule: 'isSentTime',
    message: `${field} names time ${time}, later than this ledger's clock and newest record (${latest}): no transition was sent with it`,
    value,
  });
}
