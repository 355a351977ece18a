/**
 * A command reads only the events of its measure newer than the last command
 * saw: these check that what it decides on is still the whole stream, however
 * the newer events got there (another executor, another process on the file).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CommandExecutor } from '../../src/ledger/command-executor.js';
import { parseCommand } from '../../src/ledger/parse-command.js';
import { LedgerError } from '../../src/errors.js';
import { contentHash } from '../../src/integrity/event-hash.js';
import { imposeBody, M } from '../support/commands.js';
import { tempDir } from '../support/temp-dir.js';

describe('store/command-stream-cache', () => {
  const context = { actor: 'test' };

  describe('commands on a measure others write to', () => {
    let dir: ReturnType<typeof tempDir>;
    let store: SqliteEventStore;
    let other: SqliteEventStore;

    beforeEach(() => {
      dir = tempDir();
      store = new SqliteEventStore(join(dir.path, 'ledger.db'));
      other = new SqliteEventStore(join(dir.path, 'ledger.db'));
    });
    afterEach(async () => {
      await store.close();
      await other.close();
      dir.remove();
    });

    it('decides on the events another process appended since its last command, and chains its hash to them', async () => {
      const mine = new CommandExecutor(store);
      const theirs = new CommandExecutor(other);
      await mine.execute(parseCommand(imposeBody()), context);
      await theirs.execute(
        parseCommand({
          type: 'GrantExemption',
          measureId: M,
          exemptionId: 'lic',
          title: 'licence',
          categories: ['exports/parts'],
          effectiveFrom: '2019-06-01',
        }),
        context,
      );
      // Only the other executor's grant makes this a repeat grant: it must be seen.
      await expect(
        mine.execute(
          parseCommand({
            type: 'GrantExemption',
            measureId: M,
            exemptionId: 'lic',
            title: 'again',
            categories: ['exports/parts'],
            effectiveFrom: '2019-06-01',
          }),
          context,
        ),
      ).rejects.toBeInstanceOf(LedgerError);
      const amended = await mine.execute(
        parseCommand({ type: 'RevokeExemption', measureId: M, exemptionId: 'lic', effectiveFrom: '2019-07-01' }),
        context,
      );
      expect(amended.events[0]!.streamRevision).toBe('2');
      const stream = await store.readStream(`measure-${M}`);
      expect(stream.map((e) => e.type)).toEqual(['RestrictionImposed', 'ExemptionGranted', 'ExemptionRevoked']);
    });

    it('decides on what another executor appended through the same connection, where the file alone does not say it changed', async () => {
      const mine = new CommandExecutor(store);
      const theirs = new CommandExecutor(store);
      await mine.execute(parseCommand(imposeBody()), context);
      await theirs.execute(
        parseCommand({ type: 'AddSubjects', measureId: M, subjects: ['acme-2'], effectiveFrom: '2020-01-01' }),
        context,
      );
      const removed = await mine.execute(
        parseCommand({ type: 'RemoveSubjects', measureId: M, subjects: ['acme-2'], effectiveFrom: '2021-01-01' }),
        context,
      );
      expect(removed.events[0]!.streamRevision).toBe('2');
      const stream = await store.readStream(`measure-${M}`);
      expect(stream.map((e) => e.type)).toEqual(['RestrictionImposed', 'SubjectsAdded', 'SubjectsRemoved']);
      // The hash chain runs through the other executor's event, not around it.
      expect(contentHash(stream[2]!, stream[1]!.metadata.hash as string)).toBe(stream[2]!.metadata.hash);
    });

    it('recognises a repeated commandId first used through another process', async () => {
      const mine = new CommandExecutor(store);
      await mine.execute(parseCommand(imposeBody()), context);
      const body = {
        commandId: '0b6f3f3e-8a7d-4d63-9d0e-5f1c2a9e7b11',
        type: 'AddSubjects',
        measureId: M,
        subjects: ['acme-2'],
        effectiveFrom: '2020-01-01',
      };
      const first = await new CommandExecutor(other).execute(parseCommand(body), context);
      const again = await mine.execute(parseCommand(body), context);
      expect(again.repeated).toBe(true);
      expect(again.events).toEqual(first.events);
      expect((await store.readStream(`measure-${M}`)).length).toBe(2);
    });
  });
});
