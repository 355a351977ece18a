/**
 * A corrected event keeps its place in record order, so what it acts on, and
 * what acts on it, is read from that place (acted-on.ts). The decider checks a
 * replacement as the command recorded now would be; these are the checks of
 * its place:
 *
 * - an amendment or revocation acts on the grant of its id recorded before it,
 *   a withdrawal or enactment on the announcement recorded before it: one
 *   made after the corrected event would leave it acting on nothing;
 * - a grant or announcement given another id takes on the changes of that id
 *   recorded after it: where one of them acts on nothing now (it was about a
 *   grant or announcement since retracted), the corrected event would be
 *   born revoked, amended or closed by what was recorded about another.
 */
import { closedAnnouncementId, isExemptionChange } from './acted-on.js';
import type { RecordedFact, StandingFact } from './facts.js';
import type { MeasureHistory } from './measure-history.js';

/** Why a correction is refused: the rule, and the replacement's field (decide.ts prefixes it with `replacement.`). */
export interface PlaceConflict {
  rule: string;
  message: string;
  field: string;
  value: string;
}

const reject = (rule: string, message: string, field: string, value: string): PlaceConflict => ({
  rule,
  message,
  field,
  value,
});

/** The first rule the replacement breaks by its place: `history` is the measure now, `without` without the target. */
export function correctionPlaceConflict(
  target: RecordedFact,
  replacement: object,
  history: MeasureHistory,
  without: MeasureHistory,
): PlaceConflict | undefined {
  const after = (fact: StandingFact | undefined) => fact !== undefined && fact.recorded.revision > target.revision;
  const data = replacement as Record<string, unknown>;
  if (
    (target.type === 'ExemptionAmended' || target.type === 'ExemptionRevoked') &&
    typeof data.exemptionId === 'string'
  ) {
    const id = data.exemptionId;
    if (after(without.granted(id)))
      return reject(
        'exemption-exists',
        `exemption ${id} was granted after event ${target.eventId}; a correction keeps the event's place in record order, where no grant of ${id} stood: retract the event and record the change anew`,
        'exemptionId',
        id,
      );
  }
  const closed =
    typeof data.enacts === 'string'
      ? data.enacts
      : target.type === 'AnnouncementWithdrawn' && typeof data.announcementId === 'string'
        ? data.announcementId
        : undefined;
  if (closed !== undefined && after(without.announced(closed)))
    return reject(
      'announcement-pending',
      `announcement ${closed} was made after event ${target.eventId}; a correction keeps the event's place in record order, where it was not pending: retract the event and record it anew`,
      typeof data.enacts === 'string' ? 'enacts' : 'announcementId',
      closed,
    );
  return takesOnAnother(target, data, history, without);
}

/** A grant or announcement given an id whose changes recorded after it act on nothing: it would take them on. */
function takesOnAnother(
  target: RecordedFact,
  data: Record<string, unknown>,
  history: MeasureHistory,
  without: MeasureHistory,
): PlaceConflict | undefined {
  if (target.type !== 'ExemptionGranted' && target.type !== 'EasingAnnounced') return undefined;
  const field = target.type === 'ExemptionGranted' ? 'exemptionId' : 'announcementId';
  const id = data[field];
  const standing = history.facts.find((f) => f.recorded.eventId === target.eventId);
  if (typeof id !== 'string' || (standing?.data as Record<string, unknown> | undefined)?.[field] === id)
    return undefined;
  const taken = without.facts.find((f) => {
    if (f.recorded.revision < target.revision) return false;
    if (field === 'exemptionId') return isExemptionChange(f) && f.data.exemptionId === id && !without.grantActedOnBy(f);
    return closedAnnouncementId(f) === id && !without.announcementClosedBy(f);
  });
  if (!taken) return undefined;
  return reject(
    field === 'exemptionId' ? 'exemption-new' : 'announcement-new',
    `event ${taken.recorded.eventId} (${taken.type}), recorded after event ${target.eventId}, concerns ${id} and acts on nothing now: corrected in its place, event ${target.eventId} would take it on; retract event ${taken.recorded.eventId} first, or record the ${field === 'exemptionId' ? 'grant' : 'announcement'} anew`,
    field,
    id,
  );
}
