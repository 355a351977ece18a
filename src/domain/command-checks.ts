/**
 * Each command's own record-time checks against the measure as known now (DOMAIN.md "Commands" and the invariants):
 * what `decide` asks first, and what a correction's replacement is checked against as its own command.
 */
import { CategorySet } from './categories.js';
import type {
  AmendExemptionPayload,
  CommandType,
  GrantExemptionPayload,
  ImposeRestrictionPayload,
  NarrowScopePayload,
  PayloadOf,
} from './messages.js';
import { COMMAND_TYPE_OF, LEGAL_COMMANDS } from './messages.js';
import { enactsOf, isAmending } from './facts.js';
import { MeasureHistory } from './measure-history.js';
import { historyWithout } from './resolve-measure.js';
import { correctionPlaceConflict } from './correction-place.js';
import { restorationConflict } from './restoration.js';
import { narrowScope } from './scope-change.js';
import { toMillis } from './time.js';

export interface Rejection {
  /** A stable name of the broken rule, e.g. `measure-exists`. */
  rule: string;
  message: string;
  field?: string;
  value?: unknown;
}

export const reject = (rule: string, message: string, field?: string, value?: unknown): Rejection => ({
  rule,
  message,
  ...(field !== undefined ? { field } : {}),
  ...(value !== undefined ? { value } : {}),
});

/** The record-time checks of a command's own rules against the measure as known now (DOMAIN.md "Commands"). */
export function check<K extends CommandType>(
  type: K,
  payload: PayloadOf[K],
  history: MeasureHistory,
): Rejection | undefined {
  if (type === 'ImposeRestriction') return CHECKS[type]?.(payload, history);
  if (type === 'RetractEntry' || type === 'CorrectEntry') {
    if (history.recorded.length === 0) {
      return reject('measure-exists', `measure ${history.measureId} does not exist`, 'measureId', history.measureId);
    }
  } else if (!history.exists) {
    return reject('measure-exists', `measure ${history.measureId} does not exist`, 'measureId', history.measureId);
  }
  const enacts = enactsOf(payload);
  if (LEGAL_COMMANDS.has(type) && enacts !== undefined && !history.isPending(enacts)) {
    return reject(
      'announcement-pending',
      `announcement ${enacts} does not exist or is no longer pending in measure ${history.measureId}`,
      'enacts',
      enacts,
    );
  }
  return CHECKS[type]?.(payload, history);
}

function checkImposition(command: ImposeRestrictionPayload, history: MeasureHistory): Rejection | undefined {
  // A retracted imposition still holds its id; a correction checks against the history without it.
  if (history.recorded.some((e) => e.type === 'RestrictionImposed')) {
    return reject('measure-new', `measure ${history.measureId} already exists`, 'measureId', history.measureId);
  }
  if (command.subjects.length === 0)
    return reject('subjects-not-empty', 'a restriction needs at least one subject', 'subjects', command.subjects);
  if (command.categories.length === 0)
    return reject(
      'categories-not-empty',
      'a restriction needs at least one category',
      'categories',
      command.categories,
    );
  return checkWindow(command.effectiveFrom, command.effectiveUntil);
}

function checkWindow(effectiveFrom: string, effectiveUntil: string | undefined): Rejection | undefined {
  if (effectiveUntil !== undefined && toMillis(effectiveUntil) <= toMillis(effectiveFrom)) {
    return reject(
      'until-after-from',
      `effectiveUntil ${effectiveUntil} is not after effectiveFrom ${effectiveFrom}`,
      'effectiveUntil',
      effectiveUntil,
    );
  }
  return undefined;
}

function checkSubjectsOfMeasure(
  subjects: string[] | undefined,
  at: string,
  history: MeasureHistory,
  field: string,
): Rejection | undefined {
  if (!subjects) return undefined;
  const measureSubjects = history.subjectsAt(toMillis(at));
  const outsiders = subjects.filter((s) => !measureSubjects.has(s));
  if (outsiders.length === 0) return undefined;
  return reject(
    'subjects-of-measure',
    `${outsiders.join(', ')} ${outsiders.length === 1 ? 'is not a subject' : 'are not subjects'} of measure ${history.measureId} at ${at}`,
    field,
    outsiders,
  );
}

function checkExemptionStanding(exemptionId: string, history: MeasureHistory): Rejection | undefined {
  if (!history.granted(exemptionId)) {
    return reject(
      'exemption-exists',
      `exemption ${exemptionId} does not exist in measure ${history.measureId}`,
      'exemptionId',
      exemptionId,
    );
  }
  if (history.isRevoked(exemptionId)) {
    return reject('exemption-not-revoked', `exemption ${exemptionId} is already revoked`, 'exemptionId', exemptionId);
  }
  return undefined;
}

type Check<K extends CommandType> = (payload: PayloadOf[K], history: MeasureHistory) => Rejection | undefined;

const CHECKS: { [K in CommandType]?: Check<K> } = {
  ImposeRestriction: (command, history) => checkImposition(command, history),

  AddSubjects: (command) =>
    command.subjects.length === 0
      ? reject('subjects-not-empty', 'name at least one subject to add', 'subjects', command.subjects)
      : undefined,

  RemoveSubjects: (command) =>
    command.subjects.length === 0
      ? reject('subjects-not-empty', 'name at least one subject to remove', 'subjects', command.subjects)
      : undefined,

  BroadenScope: (command) =>
    command.categories.length === 0
      ? reject('categories-not-empty', 'name at least one category to add', 'categories', command.categories)
      : undefined,

  NarrowScope: (command: NarrowScopePayload, history) => {
    if (!command.remove?.length && !command.narrowTo?.length) {
      return reject('narrowing-given', 'a narrowing needs remove[] or narrowTo[]', 'remove');
    }
    const { categories: scope } = history.scopeAt(toMillis(command.effectiveFrom));
    if (command.narrowTo?.length) {
      const outside = command.narrowTo.filter((c) => !scope.covers(c));
      if (outside.length) {
        return reject(
          'narrow-to-inside-scope',
          `narrowTo ${outside.join(', ')} not inside the scope in force at ${command.effectiveFrom} (${scope.toString() || 'empty'})`,
          'narrowTo',
          outside,
        );
      }
    }
    if (command.remove?.length && !scope.intersects(CategorySet.of(command.remove))) {
      return reject(
        'remove-overlaps-scope',
        `remove ${command.remove.join(', ')} does not overlap the scope in force at ${command.effectiveFrom} (${scope.toString() || 'empty'})`,
        'remove',
        command.remove,
      );
    }
    if (narrowScope(scope, command).isEmpty()) {
      return reject(
        'scope-not-empty',
        'the narrowing leaves no category in scope; lift the restriction instead',
        'remove',
        command.remove ?? command.narrowTo,
      );
    }
    return undefined;
  },

  AnnounceEasing: (command, history) =>
    history.announced(command.announcementId)
      ? reject(
          'announcement-new',
          `announcement ${command.announcementId} already exists in measure ${history.measureId}`,
          'announcementId',
          command.announcementId,
        )
      : undefined,

  WithdrawAnnouncement: (command, history) => {
    if (!history.isPending(command.announcementId)) {
      return reject(
        'announcement-pending',
        `announcement ${command.announcementId} does not exist or is no longer pending in measure ${history.measureId}`,
        'announcementId',
        command.announcementId,
      );
    }
    // A withdrawal dated before the announcement would leave it pending at no instant, as if never announced.
    const { announcedAt } = history.announced(command.announcementId)!.data;
    return toMillis(command.withdrawnAt) < toMillis(announcedAt)
      ? reject(
          'withdrawn-after-announced',
          `withdrawnAt ${command.withdrawnAt} is before announcement ${command.announcementId} was announced (${announcedAt})`,
          'withdrawnAt',
          command.withdrawnAt,
        )
      : undefined;
  },

  GrantExemption: (command: GrantExemptionPayload, history) => {
    if (history.granted(command.exemptionId)) {
      return reject(
        'exemption-new',
        `exemption ${command.exemptionId} already exists in measure ${history.measureId}`,
        'exemptionId',
        command.exemptionId,
      );
    }
    const windowRejection = checkWindow(command.effectiveFrom, command.effectiveUntil);
    if (windowRejection) return windowRejection;
    const { categories: scope } = history.scopeAt(toMillis(command.effectiveFrom));
    if (!scope.intersects(CategorySet.of(command.categories))) {
      return reject(
        'exemption-overlaps-scope',
        `categories ${command.categories.join(', ')} do not overlap the scope in force at ${command.effectiveFrom} (${scope.toString() || 'empty'})`,
        'categories',
        command.categories,
      );
    }
    return checkSubjectsOfMeasure(command.subjects, command.effectiveFrom, history, 'subjects');
  },

  AmendExemption: (command: AmendExemptionPayload, history) => {
    const standing = checkExemptionStanding(command.exemptionId, history);
    if (standing) return standing;
    const grant = history.granted(command.exemptionId)!.data;
    const windowRejection = checkWindow(grant.effectiveFrom, command.effectiveUntil);
    if (windowRejection) return windowRejection;
    return checkSubjectsOfMeasure(command.addSubjects, command.effectiveFrom, history, 'addSubjects');
  },

  RevokeExemption: (command, history) => checkExemptionStanding(command.exemptionId, history),

  LiftRestriction: (_command, history) =>
    history.isLifted()
      ? reject('not-lifted', `measure ${history.measureId} is already lifted`, 'measureId', history.measureId)
      : undefined,

  // What a retraction brings back to stand must fit what stands (see restoration.ts for the rule).
  RetractEntry: (command, history) => checkTarget(command.eventId, history) ?? restorationConflict(history, command),

  CorrectEntry: (command, history) => {
    const targetRejection = checkTarget(command.eventId, history);
    if (targetRejection) return targetRejection;
    const target = history.recorded.find((e) => e.eventId === command.eventId)!;
    if (target.unreadable !== undefined) {
      return reject(
        'event-readable',
        `event ${command.eventId} cannot be read (${target.unreadable}); retract it and record the fact again`,
        'eventId',
        command.eventId,
      );
    }
    if (isAmending(target)) {
      return reject(
        'correctable',
        `event ${command.eventId} is a ${target.type}; retract it instead of correcting it`,
        'eventId',
        command.eventId,
      );
    }
    const replacement = command.replacement;
    if (replacement.measureId !== history.measureId) {
      return reject(
        'same-measure',
        `the replacement belongs to measure ${replacement.measureId}, not ${history.measureId}`,
        'replacement.measureId',
        replacement.measureId,
      );
    }
    // The replacement was parsed as a payload of its target's command (parse-command.ts, parseReplacement).
    const without = historyWithout(history, command.eventId);
    const rejection =
      check(COMMAND_TYPE_OF[target.type], replacement, without) ??
      correctionPlaceConflict(target, replacement, history, without);
    // These checks are also restoration.ts's rule for the one fact a correction brings to stand.
    return rejection && { ...rejection, field: rejection.field && `replacement.${rejection.field}` };
  },
};

function checkTarget(eventId: string, history: MeasureHistory): Rejection | undefined {
  if (!history.recorded.some((e) => e.eventId === eventId)) {
    return reject(
      'event-in-measure',
      `event ${eventId} is not an event of measure ${history.measureId}`,
      'eventId',
      eventId,
    );
  }
  if (history.retracted.has(eventId)) {
    return reject('event-not-retracted', `event ${eventId} is already retracted`, 'eventId', eventId);
  }
  return undefined;
}
