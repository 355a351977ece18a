/** A ledger shaped like the soak's: ten measures grown by its writers' mix of commands, generated (valid by construction). */
import type { LoggedEvent } from '../src/domain/recorded-fact.js';
import { random } from './generate-ledger.js';

export const MEASURES = 10;

/** The soak's writers' mix, generated: the same payloads its commands record. */
export function soakLedger(events: number): { ledger: LoggedEvent[]; subjects: number[] } {
  const rnd = random(12);
  const ledger: LoggedEvent[] = [];
  const revisions = new Array<number>(MEASURES).fill(-1);
  const subjects = new Array<number>(MEASURES).fill(0);
  const base = Date.now() - 3_600_000;
  const push = (m: number, type: string, data: unknown) => {
    const position = ledger.length + 1;
    ledger.push({
      streamId: `measure-soak-${m}`,
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type,
      data,
      revision: BigInt(++revisions[m]!),
      position: BigInt(position),
      recordedAt: new Date(base + position * 10).toISOString(),
    });
  };
  for (let m = 0; m < MEASURES; m++)
    push(m, 'RestrictionImposed', {
      measureId: `soak-${m}`,
      title: 'soak',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: [`m${m}-s0`],
      categories: ['exports', 'services/base'],
      effectiveFrom: '2019-01-01T00:00:00.000Z',
    });
  while (ledger.length < events) {
    const m = Math.floor(rnd() * MEASURES);
    const n = subjects[m]! + 1;
    const measureId = `soak-${m}`;
    const soon = () => new Date(base + ledger.length * 10 + 1000 + rnd() * 20_000).toISOString();
    const roll = rnd();
    if (roll < 0.5)
      ((subjects[m] = n),
        push(m, 'SubjectsAdded', { measureId, subjects: [`m${m}-s${n}`], effectiveFrom: '2019-01-01T00:00:00.000Z' }));
    else if (roll < 0.65)
      push(m, 'ExemptionGranted', {
        measureId,
        exemptionId: `x${ledger.length}`,
        title: 'licence',
        categories: [`exports/x${n}`],
        effectiveFrom: '2019-01-01T00:00:00.000Z',
        effectiveUntil: soon(),
      });
    else if (roll < 0.8)
      push(m, 'ScopeBroadened', { measureId, categories: [`services/c${n}`], effectiveFrom: soon() });
    else if (roll < 0.9)
      push(m, 'ScopeNarrowed', { measureId, remove: [`exports/r${n}`], effectiveFrom: '2019-01-01T00:00:00.000Z' });
    else
      push(m, 'SubjectsRemoved', {
        measureId,
        subjects: [`m${m}-s${Math.max(1, Math.floor(rnd() * n))}`],
        effectiveFrom: '2019-01-01T00:00:00.000Z',
      });
  }
  return { ledger, subjects };
}
