/**
 * Derived ids are what make a rerun append nothing: an import rerun after an
 * upgrade must derive the very ids the earlier version stored. These values
 * were derived by the ledger before its ids were computed from bytes.
 */
import { describe, expect, it } from '@jest/globals';
import { derivedCommandId, eventIdFor } from '../../src/ledger/event-ids.js';

describe('store/event-ids', () => {
  describe('derived ids', () => {
    it('are the ids earlier versions derived, whatever the case of the commandId', () => {
      expect(eventIdFor('0B6F3F3E-8a7d-4d63-9d0e-5f1c2a9e7b11', 0)).toBe('f067f28c-d426-5578-87e7-fb0c394f8e14');
      expect(eventIdFor('0b6f3f3e-8a7d-4d63-9d0e-5f1c2a9e7b11', 3)).toBe('f2a92c6c-7b85-56e5-a95c-82c45d25bcf7');
    });

    it('derive a command id from non-ASCII content as earlier versions did', () => {
      const content = JSON.stringify({ measureId: 'zoll-ü-日本', type: 'AddSubjects' });
      expect(derivedCommandId('commands.ndjson line 7', content)).toBe('778a8e67-7b74-517c-aab6-9cca34ca383a');
    });
  });
});
