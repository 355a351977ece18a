/**
 * The oracle's causes (test/support/oracle-causes.ts) look for an amendment or
 * revocation among the events tried at the instants of the grant it acts on
 * (DOMAIN.md "What a change acts on": the latest standing grant of its id
 * recorded before it), as replay's transitions do, and not at those of a grant
 * of its id given again after it, which it does not act on.
 */
import { describe, expect, it } from '@jest/globals';
import { DecidedLedger, imposition } from '../support/decided-ledger.js';
import { UNIVERSE } from '../support/history-generator.js';
import { triedAt } from '../support/oracle-causes.js';
import { Oracle, oracleLog } from '../support/oracle.js';

const oracle = new Oracle(UNIVERSE);
const FIRST_GRANT = '2019-02-01T00:00:00.000Z';
const GIVEN_AGAIN = '2019-05-01T00:00:00.000Z';

function written(retractFirstGrant: boolean) {
  const ledger = new DecidedLedger();
  ledger.append(imposition('m', ['s'], ['x'], '2019-01-01'));
  const grant = {
    type: 'GrantExemption' as const,
    measureId: 'm',
    exemptionId: 'e',
    title: 'licence',
    categories: ['x/y'],
  };
  const first = ledger.append({ ...grant, effectiveFrom: FIRST_GRANT });
  const amended = ledger.append({
    type: 'AmendExemption',
    measureId: 'm',
    exemptionId: 'e',
    effectiveFrom: '2019-03-01',
    addCategories: ['x/x'],
  });
  if (retractFirstGrant) {
    ledger.append({ type: 'RetractEntry', measureId: 'm', eventId: first.eventId, reason: 'granted by mistake' });
    ledger.append({ ...grant, effectiveFrom: GIVEN_AGAIN });
  }
  return { ledger, amended };
}

const triedOn = (ledger: DecidedLedger, instant: string) => [
  ...(triedAt(oracle, oracleLog(ledger.events), ledger.events.length).get(Date.parse(instant)) ?? []),
];

describe('investigations/oracle-acted-on', () => {
  it('an amendment is tried at the instants of the grant it acts on', () => {
    const { ledger, amended } = written(false);
    expect(triedOn(ledger, FIRST_GRANT)).toContain(amended.eventId);
  });

  it('an amendment of a grant retracted since is not tried at those of the grant of its id given again after it', () => {
    const { ledger, amended } = written(true);
    expect(triedOn(ledger, GIVEN_AGAIN)).not.toContain(amended.eventId);
    expect(triedOn(ledger, GIVEN_AGAIN)).toHaveLength(1);
  });
});
