/**
 * An explanation names what an exemption that does not apply covers: a
 * licence on `a/x` that has ended is not said to cover `a`, the category
 * asked about, only the part of it that it does.
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { explainCheck } from '../../projections/explain.js';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { checkCategory } from '../../projections/subject-queries.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { impositionData } from '../support/stored-events.js';

const events: LoggedEvent[] = [
  [
    'RestrictionImposed',
    impositionData('m1', ['s1'], { categories: ['a'], effectiveFrom: '2019-01-01T00:00:00.000Z' }),
  ],
  [
    'ExemptionGranted',
    {
      measureId: 'm1',
      exemptionId: 'e1',
      title: 'licence',
      categories: ['a/x'],
      effectiveFrom: '2019-03-01T00:00:00.000Z',
      effectiveUntil: '2019-04-01T00:00:00.000Z',
    },
  ],
].map(([type, data], i) => ({
  streamId: 'measure-m1',
  eventId: randomUUID(),
  type: type as string,
  data,
  revision: BigInt(i),
  position: BigInt(i + 1),
  recordedAt: new Date(Date.UTC(2019, 0, 1) + i).toISOString(),
}));

function exemptionSentences(category: string, at: string): string[] {
  const model = events.reduce(evolve, initialState());
  const k = { at: Date.parse(at), asOfPosition: model.position };
  return explainCheck(model, checkCategory(model, 's1', category, k), k)
    .filter((step) => step.kind === 'exemption')
    .map((step) => step.sentence);
}

describe('an exemption that does not apply, in an explanation', () => {
  it('covering part of the category asked about, says which part', () => {
    expect(exemptionSentences('a', '2019-04-05')).toEqual([
      expect.stringMatching(
        /^Exemption e1 "licence" covers part of a \(a\/x\) but does not apply on 2019-04-05: it ended on 2019-04-01\.$/,
      ),
    ]);
  });

  it('covering the whole category asked about, says so', () => {
    expect(exemptionSentences('a/x/y', '2019-04-05')).toEqual([
      expect.stringMatching(
        /^Exemption e1 "licence" covers a\/x\/y but does not apply on 2019-04-05: it ended on 2019-04-01\.$/,
      ),
    ]);
  });
});
