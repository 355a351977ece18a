/**
 * Whether a stored event's payload can be read as the fact its type says.
 * Validation keeps bad input out, but a ledger can still hold an event no
 * reader can interpret (written by an older version, or edited in a file): an
 * instant out of range, a missing array, a wrong type. Such an event is set
 * aside, not standing: it fails alone and loudly (named in every answer about
 * its measure and by `regledger verify`), never every later query or command.
 * It can be retracted, after which the measure reads as if it had never been.
 */
import { isCategory } from './categories.js';
import { EVENT_TYPES, type EventType, type Provenance, type Source } from './messages.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
import { isCanonicalInstant, parseInstant } from './time.js';

type Kind = 'text' | 'instant' | 'ids' | 'categories' | 'object';

/** The kind of every payload field, by name: one name means one thing in every event. */
const KIND_OF = new Map<string, Kind>(
  Object.entries({
    measureId: 'text',
    title: 'text',
    jurisdiction: 'text',
    authority: 'text',
    announcementId: 'text',
    statement: 'text',
    exemptionId: 'text',
    eventId: 'text',
    reason: 'text',
    enacts: 'text',
    citation: 'text',
    effectiveFrom: 'instant',
    effectiveUntil: 'instant',
    announcedAt: 'instant',
    withdrawnAt: 'instant',
    publishedAt: 'instant',
    subjects: 'ids',
    addSubjects: 'ids',
    removeSubjects: 'ids',
    categories: 'categories',
    addCategories: 'categories',
    removeCategories: 'categories',
    remove: 'categories',
    narrowTo: 'categories',
    replacement: 'object',
  } satisfies Record<string, Kind>) as [string, Kind][],
);
// Provenance text (note, sources) is not read by any answer: the read model leaves it in the log, and so does this check.

/** Fields each event must carry; every other field of KIND_OF is optional. */
const REQUIRED: Record<EventType, string[]> = {
  RestrictionImposed: ['measureId', 'title', 'jurisdiction', 'authority', 'subjects', 'categories', 'effectiveFrom'],
  SubjectsAdded: ['measureId', 'subjects', 'effectiveFrom'],
  SubjectsRemoved: ['measureId', 'subjects', 'effectiveFrom'],
  ScopeBroadened: ['measureId', 'categories', 'effectiveFrom'],
  ScopeNarrowed: ['measureId', 'effectiveFrom'],
  EasingAnnounced: ['measureId', 'announcementId', 'statement', 'announcedAt'],
  AnnouncementWithdrawn: ['measureId', 'announcementId', 'withdrawnAt'],
  ExemptionGranted: ['measureId', 'exemptionId', 'title', 'categories', 'effectiveFrom'],
  ExemptionAmended: ['measureId', 'exemptionId', 'effectiveFrom'],
  ExemptionRevoked: ['measureId', 'exemptionId', 'effectiveFrom'],
  RestrictionLifted: ['measureId', 'effectiveFrom'],
  EntryRetracted: ['measureId', 'eventId', 'reason'],
  EntryCorrected: ['measureId', 'eventId', 'reason', 'replacement'],
};

const isText = (value: unknown) => typeof value === 'string';
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function kindProblem(kind: Kind, value: unknown): string | undefined {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? undefined : 'is not text';
    case 'instant':
      return isCanonicalInstant(value) || parseInstant(value) !== undefined
        ? undefined
        : `is not an instant within the years 0000–9999 (${JSON.stringify(value)})`;
    case 'ids':
      return Array.isArray(value) && value.every(isText) ? undefined : 'is not a list of ids';
    case 'categories':
      return Array.isArray(value) && value.every(isCategory) ? undefined : 'is not a list of categories';
    case 'object':
      return isPlainObject(value) ? undefined : 'is not an object';
  }
}

/**
 * Why a payload cannot be read as an event of this type, or undefined when it
 * can. A correction's replacement is read as a payload of its target's type
 * (`targetType`; unknown targets are read field by field only).
 */
export function unreadableBecause(type: string, data: unknown, targetType?: string): string | undefined {
  if (!KNOWN_TYPES.has(type)) return `${JSON.stringify(type)} is not an event type of the ledger`;
  return payloadProblem(type as EventType, data, '', targetType);
}

function payloadProblem(
  type: EventType | undefined,
  data: unknown,
  prefix: string,
  targetType?: string,
): string | undefined {
  if (!isPlainObject(data)) return `${prefix || 'its data'} is not an object`;
  for (const field of type ? REQUIRED[type] : []) {
    if (data[field] === undefined || data[field] === null) return `${prefix}${field} is missing`;
  }
  for (const field of Object.keys(data)) {
    const kind = KIND_OF.get(field);
    const value = data[field];
    // null meant "left out" to older versions; it reads as absent (DOMAIN.md: null is never a value).
    if (kind === undefined || value === null || value === undefined) continue;
    const problem = kindProblem(kind, value);
    if (problem) return `${prefix}${field} ${problem}`;
  }
  if (type === 'EntryCorrected') {
    const target = targetType !== undefined && KNOWN_TYPES.has(targetType) ? (targetType as EventType) : undefined;
    return payloadProblem(target, data.replacement, 'replacement.');
  }
  return undefined;
}

/** The payload with null fields left out, as the readers expect optional fields to be (nested replacement included). */
export function withoutNulls<T>(data: T): T {
  if (!isPlainObject(data)) return data;
  let copy = false;
  for (const key in data) if (data[key] === null || key === 'replacement') copy = true;
  if (!copy) return data;
  const entries = Object.entries(data)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => [k, k === 'replacement' ? withoutNulls(v) : v]);
  // The same object with null fields left out: what T allows, as null never is a value of its fields.
  return Object.fromEntries(entries) as T;
}

/**
 * The provenance a stored payload carries, read from the log as stored (set
 * aside or not, never checked by `unreadableBecause`): each field only when it
 * has the kind the contract gives it, so a damaged event shows less, never junk.
 */
export function storedProvenance(data: unknown): Pick<Provenance, 'citation' | 'sources' | 'note'> {
  if (!isPlainObject(data)) return {};
  const { citation, sources, note } = data;
  return {
    ...(typeof citation === 'string' && citation ? { citation } : {}),
    ...(Array.isArray(sources) ? { sources: sources.filter(isSource) } : {}),
    ...(typeof note === 'string' && note ? { note } : {}),
  };
}

const isTextOrAbsent = (value: unknown) => value === undefined || typeof value === 'string';
const isSource = (value: unknown): value is Source =>
  isPlainObject(value) &&
  typeof value.url === 'string' &&
  isTextOrAbsent(value.title) &&
  isTextOrAbsent(value.publishedAt);
