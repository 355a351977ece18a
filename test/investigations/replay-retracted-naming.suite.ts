/**
 * A measure that named a subject only in an addition since retracted does not
 * name it as known after the retraction: replay in valid order (as known at a
 * position) lists no step of that measure for the subject, not even unchanged
 * ones for its other events, as if the addition had never been recorded.
 * Replay in record order still shows the addition and its retraction: they are
 * what the ledger learned about the subject, and when.
 */
import { describe, expect, it } from '@jest/globals';
import { replaySubject } from '../../projections/replay.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';

describe('investigations/replay-retracted-naming', () => {
  /** `s` is restricted by `other`; `m` names it only in an addition, retracted after `m` is broadened. */
  function written() {
    const ledger = new DecidedLedger();
    ledger.append(imposition('other', ['s'], ['imports'], '2019-01-01'));
    ledger.append(imposition('m', ['a'], ['exports'], '2019-01-01'));
    const added = ledger.append({ type: 'AddSubjects', measureId: 'm', subjects: ['s'], effectiveFrom: '2019-03-01' });
    const broadened = ledger.append({
      type: 'BroadenScope',
      measureId: 'm',
      categories: ['services'],
      effectiveFrom: '2019-04-01',
    });
    const retracted = ledger.append({ type: 'RetractEntry', measureId: 'm', eventId: added.eventId, reason: 'not s' });
    const granted = ledger.append({
      type: 'GrantExemption',
      measureId: 'm',
      exemptionId: 'x',
      title: 'licence',
      categories: ['exports/chips'],
      effectiveFrom: '2019-06-01',
    });
    return { ledger, added, broadened, retracted, granted };
  }

  const validOrder = (ledger: DecidedLedger, asOfPosition: bigint) =>
    replaySubject(ledger.model, 's', { order: 'valid', asOfPosition }).steps;

  it('as known before the retraction, the addition and the broadening are changes for the subject', () => {
    const { ledger, added, broadened } = written();
    const steps = validOrder(ledger, broadened.position);
    expect(steps.filter((s) => s.measureId === 'm').map((s) => [s.eventId, s.unchanged])).toEqual([
      [added.eventId, false],
      [broadened.eventId, false],
    ]);
  });

  it('as known after it, replay in valid order lists no step of that measure, as if it had never named the subject', () => {
    const { ledger } = written();
    const steps = validOrder(ledger, ledger.model.position);
    expect(steps.map((s) => ({ measureId: s.measureId, type: s.type, unchanged: s.unchanged }))).toEqual([
      { measureId: 'other', type: 'RestrictionImposed', unchanged: false },
    ]);
  });

  it('nor does it for a measure whose only addition of the subject was corrected to add another', () => {
    const ledger = new DecidedLedger();
    ledger.append(imposition('other', ['s'], ['imports'], '2019-01-01'));
    ledger.append(imposition('m', ['a'], ['exports'], '2019-01-01'));
    const added = ledger.append({ type: 'AddSubjects', measureId: 'm', subjects: ['s'], effectiveFrom: '2019-03-01' });
    ledger.append({
      type: 'CorrectEntry',
      measureId: 'm',
      eventId: added.eventId,
      reason: 'it was t',
      replacement: { measureId: 'm', subjects: ['t'], effectiveFrom: '2019-03-01' },
    });
    ledger.append({ type: 'BroadenScope', measureId: 'm', categories: ['services'], effectiveFrom: '2019-04-01' });
    expect(validOrder(ledger, ledger.model.position).map((s) => s.measureId)).toEqual(['other']);
  });

  it('the timeline of the subject has only the other measure’s interval', () => {
    const { ledger } = written();
    const timeline = subjectTimeline(ledger.model, 's', ledger.model.position);
    expect(timeline.intervals.map((i) => [i.from, i.restricted.map((r) => r.measureId)])).toEqual([
      ['2019-01-01T00:00:00.000Z', ['other']],
    ]);
  });

  it('replay in record order shows the addition, what it changed until its retraction, and the retraction', () => {
    const { ledger, added, broadened, retracted, granted } = written();
    const steps = replaySubject(ledger.model, 's', { order: 'record', asOfPosition: ledger.model.position }).steps;
    expect(steps.filter((s) => s.measureId === 'm').map((s) => [s.eventId, s.unchanged])).toEqual([
      [steps.find((s) => s.type === 'RestrictionImposed' && s.measureId === 'm')!.eventId, true],
      [added.eventId, false],
      [broadened.eventId, false],
      [retracted.eventId, false],
      [granted.eventId, true],
    ]);
  });
});
