/** Events as a store holds them, for tests that append to a store directly rather than through commands. */
import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../../src/event-store/event-store.js';

/** A RestrictionImposed payload as stored: instants normalised to UTC; `extra` adds or replaces fields. */
export const impositionData = (measureId: string, subjects: string[], extra: Record<string, unknown> = {}) => ({
  measureId,
  title: 't',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects,
  categories: ['exports'],
  effectiveFrom: '2019-05-16T20:15:00.000Z',
  ...extra,
});

export const imposition = (
  measureId: string,
  subjects = ['acme'],
  extra: Record<string, unknown> = {},
): EventToAppend => ({
  eventId: randomUUID(),
  type: 'RestrictionImposed',
  data: impositionData(measureId, subjects, extra),
  metadata: {},
});
