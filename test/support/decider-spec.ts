/**
 * Specification-style tests of the decider: given the commands that made a
 * measure's history, when a command arrives, then these events or this rejection.
 */
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { decide, evolve, initialState, type Decision, type MeasureStream } from '../../src/domain/decide.js';
import type { UncheckedFact } from '../../src/domain/facts.js';
import { EVENT_TYPE_OF, type LedgerCommand, type LedgerEvent } from '../../src/domain/messages.js';

let position = 0;

export class MeasureSpec {
  state: MeasureStream;

  constructor(readonly measureId = 'm1') {
    this.state = initialState(measureId);
  }

  /** Applies commands that must be accepted, recording their events. */
  given(...commands: LedgerCommand[]): this {
    for (const command of commands) {
      const decision = decide(command, this.state);
      if (decision.rejection) throw new Error(`given ${command.type} was rejected: ${decision.rejection.message}`);
      this.record(decision.events);
    }
    return this;
  }

  /** Records commands' events without the decider's checks: a log written before a rule it now enforces. */
  givenUnchecked(...commands: LedgerCommand[]): this {
    for (const { type, ...data } of commands) this.record([{ type: EVENT_TYPE_OF[type], data } as LedgerEvent]);
    return this;
  }

  private record(events: readonly LedgerEvent[]): void {
    for (const event of events) {
      const fact: UncheckedFact = {
        eventId: randomUUID(),
        type: event.type,
        data: event.data,
        revision: this.state.revision + 1,
        position: BigInt(++position),
        recordedAt: new Date(Date.UTC(2030, 0, 1) + position * 1000).toISOString(),
      };
      this.state = evolve(this.state, fact);
    }
  }

  when(command: LedgerCommand): Decision {
    return decide(command, this.state);
  }

  /** The id of the n-th recorded event (negative counts from the end). */
  eventId(n: number): string {
    const event = this.state.recorded.at(n);
    if (!event) throw new Error(`no event ${n}`);
    return event.eventId;
  }

  thenEvent(command: LedgerCommand, type: string, data?: object): void {
    const decision = this.when(command);
    expect(decision.rejection).toBeUndefined();
    expect(decision.events).toHaveLength(1);
    expect(decision.events![0]!.type).toBe(type);
    const { type: _type, ...payload } = command;
    expect(decision.events![0]!.data).toEqual(data ?? payload);
  }

  thenRejected(command: LedgerCommand, rule: string, field?: string): void {
    const decision = this.when(command);
    expect(decision.events).toBeUndefined();
    expect(decision.rejection).toMatchObject({ rule, ...(field ? { field } : {}) });
    expect(decision.rejection!.message.length).toBeGreaterThan(10);
  }
}

export const impose = (over: Partial<Extract<LedgerCommand, { type: 'ImposeRestriction' }>> = {}): LedgerCommand => ({
  type: 'ImposeRestriction',
  measureId: 'm1',
  title: 'Entity listing',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['acme', 'acme-sub'],
  categories: ['exports'],
  effectiveFrom: '2019-05-16T20:15:00.000Z',
  ...over,
});

export const grant = (over: Partial<Extract<LedgerCommand, { type: 'GrantExemption' }>> = {}): LedgerCommand => ({
  type: 'GrantExemption',
  measureId: 'm1',
  exemptionId: 'tgl',
  title: 'Temporary licence',
  categories: ['exports/maintenance'],
  effectiveFrom: '2019-05-20T00:00:00.000Z',
  effectiveUntil: '2019-08-20T00:00:00.000Z',
  ...over,
});

export const announce = (announcementId = 'a1', announcedAt = '2019-06-29T00:00:00.000Z'): LedgerCommand => ({
  type: 'AnnounceEasing',
  measureId: 'm1',
  announcementId,
  statement: 'Sales may resume where there is no national-security concern',
  announcedAt,
});

/** A bare date as the instant a stored event holds: midnight UTC. */
export const on = (date: string) => `${date}T00:00:00.000Z`;

export const retract = (eventId: string): LedgerCommand => ({
  type: 'RetractEntry',
  measureId: 'm1',
  eventId,
  reason: 'recorded by mistake',
});

/** A correction of an event by a command's payload (its type dropped). */
export const correct = (eventId: string, { type: _type, ...replacement }: LedgerCommand): LedgerCommand => ({
  type: 'CorrectEntry',
  measureId: 'm1',
  eventId,
  reason: 'corrected',
  replacement: replacement as never,
});
