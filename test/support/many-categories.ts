/**
 * A stored measure naming `total` categories c0/x … `perCommand` at a time (an imposition, then broadenings a day
 * apart) for one subject, `many-co`: the reports' size and pacing suites read it.
 */
import { v5 as uuidv5 } from 'uuid';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';

const NAMESPACE = '6a1f3c2e-8d4b-4e5f-9a0b-1c2d3e4f5a6b';

export function manyCategoriesMeasure(
  total: number,
  perCommand: number,
  { title = 'Many categories', citation = 'FR 1' }: { title?: string; citation?: string } = {},
): LoggedEvent[] {
  const names = Array.from({ length: total }, (_, i) => `c${i}/x`);
  const day = (n: number) => new Date(Date.UTC(2019, 0, 1) + n * 86_400_000).toISOString();
  const events: LoggedEvent[] = [];
  const push = (type: string, data: object) =>
    events.push({
      streamId: 'measure-many',
      eventId: uuidv5(`${total}/${perCommand}/${events.length}`, NAMESPACE),
      type,
      data: { measureId: 'many', ...data },
      revision: BigInt(events.length),
      position: BigInt(events.length + 1),
      recordedAt: day(0),
    });
  push('RestrictionImposed', {
    title,
    jurisdiction: 'US',
    authority: 'BIS',
    subjects: ['many-co'],
    categories: names.slice(0, perCommand),
    effectiveFrom: day(0),
    citation,
  });
  for (let i = perCommand, n = 1; i < total; i += perCommand, n++)
    push('ScopeBroadened', {
      categories: names.slice(i, i + perCommand),
      effectiveFrom: day(n),
      citation: `FR ${n + 1}`,
    });
  return events;
}
