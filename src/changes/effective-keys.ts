/**
 * The effective feed's keys: where each transition stands in the feed's one
 * total order (by time, records before instants at the same time, then
 * position, then subject), written as the message's id, which a client
 * resumes with.
 */
import type { LedgerReadModel } from '../../projections/ledger-read-model.js';
import { LedgerError } from '../errors.js';

export const RECORD = 0;
export const INSTANT = 1;

/** Where a feed stands: everything up to and including this key was delivered. */
export interface EffectiveKey {
  time: number;
  kind: typeof RECORD | typeof INSTANT;
  position: bigint;
  subject: string;
}

export function keyId(key: EffectiveKey): string {
  return `${key.time}-${key.kind}-${key.position}-${key.subject}`;
}

/** After every subject: ids are lowercase ASCII, all of which sort before `~`. */
export const ALL_SUBJECTS = '~';

/**
 * Where a feed "from now" starts: after every record up to the model's
 * position and every instant before `now`. A record after that position comes
 * after it whatever its record time within the same millisecond (records sort
 * by position), and so does an instant at the key's time itself. The time is
 * never before the last record folded, so no record already known sorts after it.
 */
export function nowKeyId(model: LedgerReadModel, now: number): string {
  const lastRecorded = model.recordTimes.at(-1) ?? now;
  return keyId({ time: Math.max(now, lastRecorded), kind: RECORD, position: model.position, subject: ALL_SUBJECTS });
}

/**
 * Reads an id as the server writes them (keyId): numbers in decimal without
 * leading zeros (`00-0-0-~` would be a second spelling of `0-0-0-~`), then a
 * subject id or `~` (every subject). An instant cursor may name no subject:
 * before every subject of its instant, as the start (`0-1-0-`) is. A record
 * cursor always names one: no record is ever sent as of no subject.
 */
export function parseKeyId(id: string): EffectiveKey {
  const match =
    /^(0|[1-9]\d{0,15})-(?:(0)-(0|[1-9]\d{0,29})-([a-z0-9][a-z0-9._-]{0,127}|~)|(1)-(0|[1-9]\d{0,29})-([a-z0-9][a-z0-9._-]{0,127}|~)?)$/.exec(
      id,
    );
  if (!match) {
    throw new LedgerError('bad-input', `not a resume id of the effective feed: ${id}`, [
      {
        field: 'after',
        rule: 'isResumeId',
        message:
          'a resume id is <time>-<kind>-<position>-<subject>, as sent in the id: field (numbers without leading zeros; a subject id or ~, or for kind 1 none)',
        value: id,
      },
    ]);
  }
  const [, time, recordKind, recordPosition, recordSubject, instantKind, instantPosition, instantSubject] = match;
  return {
    time: Number(time),
    kind: Number(recordKind ?? instantKind) as 0 | 1,
    position: BigInt((recordPosition ?? instantPosition)!),
    subject: recordSubject ?? instantSubject ?? '',
  };
}

export function compare(a: EffectiveKey, b: EffectiveKey): number {
  return (
    a.time - b.time ||
    a.kind - b.kind ||
    (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)
  );
}

/**
 * Whether a transition is after the cursor. A record read from the log past
 * the cursor's position always is: every record sent before a cursor stands
 * at or before its position, and a cursor can name a time later than records
 * it had not seen (a "from now" taken while the read model lagged the log, an
 * `evaluated` id written while waiting), which the order by time alone would
 * skip.
 */
export function comesAfter(key: EffectiveKey, cursor: EffectiveKey): boolean {
  if (key.kind === RECORD && key.position > cursor.position) return true;
  return compare(key, cursor) > 0;
}

/**
 * How far a feed has evaluated, shaped as a resume id: as far as the records
 * up to `position` tell, every transition up to `time` has been sent. The
 * time is the clock's, or, when the feed waits for an instant, the
 * millisecond before it. Records after `position` may still bring more, at
 * any time (so a later id may name an earlier time).
 */
export function evaluatedId(time: number, position: bigint): string {
  return keyId({ time, kind: INSTANT, position, subject: ALL_SUBJECTS });
}
