/**
 * A batch is validated whole before anything is applied, and a correction's
 * replacement is part of its input: it is checked up front as the payload of
 * the command that recorded its target, so bad input there writes nothing
 * instead of stopping the batch half-way. A target the store does not hold yet
 * (recorded earlier in the same batch, or not at all) is checked against every
 * command type: a field no command has, or a value no command accepts, is bad
 * input whatever the target turns out to be.
 */
import {
  AMENDING_EVENTS,
  COMMAND_TYPE_OF,
  COMMAND_TYPES,
  EVENT_TYPE_OF,
  streamOf,
  type CommandType,
  type EventType,
} from '../domain/messages.js';
import type { EventStore } from '../event-store/event-store.js';
import { LedgerError, prefixDetails, type ErrorDetail } from '../errors.js';
import { parseReplacement, type ParsedCommand } from './parse-command.js';

export interface BatchEntry {
  /** Where the command came from, for messages: `[3]` in a request, `line 12` in a file. */
  origin: string;
  body: unknown;
}

export async function replacementProblems(
  store: EventStore,
  parsed: ParsedCommand[],
  entries: BatchEntry[],
): Promise<ErrorDetail[]> {
  const streams = new Map<string, Map<string, EventType>>();
  const typeOf = async (measureId: string, eventId: string) => {
    let types = streams.get(measureId);
    if (!types) {
      types = new Map((await store.readStream(streamOf(measureId))).map((e) => [e.eventId, e.type as EventType]));
      streams.set(measureId, types);
    }
    return types.get(eventId);
  };
  const details: ErrorDetail[] = [];
  for (const [index, { command }] of parsed.entries()) {
    if (command.type !== 'CorrectEntry') continue;
    const target = await typeOf(command.measureId, command.eventId);
    if (target && AMENDING_EVENTS.has(target)) continue; // refused by the decider: corrections and retractions cannot be corrected
    const problems = target
      ? problemsAs(COMMAND_TYPE_OF[target], command.replacement)
      : problemsUnderEveryType(command.replacement);
    details.push(...prefixDetails(problems, entries[index]!.origin));
  }
  return details;
}

/** Every command whose event a correction may replace. */
const CORRECTABLE_TYPES = COMMAND_TYPES.filter((type) => !AMENDING_EVENTS.has(EVENT_TYPE_OF[type]));

function problemsAs(type: CommandType, replacement: unknown): ErrorDetail[] {
  try {
    parseReplacement(type, replacement);
    return [];
  } catch (error) {
    if (error instanceof LedgerError) return error.details;
    throw error;
  }
}

/** The problems a replacement has as the payload of every legal command type: bad input whatever it corrects. */
function problemsUnderEveryType(replacement: unknown): ErrorDetail[] {
  const all = CORRECTABLE_TYPES.map((type) => problemsAs(type, replacement));
  if (all.some((problems) => problems.length === 0)) return [];
  const topField = (detail: ErrorDetail) => /^replacement(?:\.([^.[]+))?/.exec(detail.field ?? '')?.[1] ?? '';
  const badEverywhere = [...new Set(all[0]!.map(topField))].filter((field) =>
    all.every((problems) => problems.some((d) => topField(d) === field)),
  );
  // A required field that one type lacks is no proof; a field wrong under every type is.
  return all[0]!.filter(
    (d) => badEverywhere.includes(topField(d)) && d.rule !== 'isDefined' && d.rule !== 'atLeastOneOf',
  );
}
