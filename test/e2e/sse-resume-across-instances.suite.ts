/**
 * A feed client behind a load balancer reconnects to whichever instance it is
 * sent to: resumed on another instance with the last id the first one sent, it
 * gets everything after that id, once and in order, even when that instance's
 * read model has not yet folded the id it was given. Both feeds (the log and
 * the effective one), on one SQLite file and on one EventStoreDB.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { imposeBody } from '../support/commands.js';
import { twoStoresOnOneLedger } from '../support/one-ledger.js';
import { SseConnection } from '../support/sse-client.js';

describe('e2e/sse-resume-across-instances', () => {
  const reader = bearer('reader');
  const data = (c: SseConnection) => c.messages.filter((m) => !m.event);
  const ids = (c: SseConnection) => data(c).map((m) => m.id!);

  describe('a feed resumed on another instance', () => {
    let a: TestApp;
    let b: TestApp;
    let urlA = '';
    let urlB = '';
    let stop: () => Promise<void>;
    let subject = 0;

    beforeAll(async () => {
      const ledger = await twoStoresOnOneLedger();
      stop = ledger.stop;
      a = await startTestApp({ store: ledger.stores[0] });
      b = await startTestApp({ store: ledger.stores[1] });
      await a.app.listen(0, '127.0.0.1');
      await b.app.listen(0, '127.0.0.1');
      urlA = (await a.app.getUrl()).replace('[::1]', '127.0.0.1');
      urlB = (await b.app.getUrl()).replace('[::1]', '127.0.0.1');
      await a.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send(imposeBody({ measureId: 'm', subjects: ['s0'], effectiveFrom: '2019-01-01' }))
        .expect(201);
    });

    afterAll(async () => {
      SseConnection.closeAll();
      await a.close();
      await b.close();
      await stop();
    });

    const addThroughA = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await a.http
          .post('/v1/commands')
          .set(bearer('writer'))
          .send({ type: 'AddSubjects', measureId: 'm', subjects: [`s${++subject}`], effectiveFrom: '2019-01-01' })
          .expect(201);
      }
    };

    it('the log feed: every event after the id, once, in order, though the other instance had not folded it yet', async () => {
      await addThroughA(5);
      const first = await SseConnection.open(`${urlA}/v1/changes?after=0`, reader);
      // Written through A and sent by A at once; B, polling slowly, has not folded them when the client moves.
      await first.until((c) => data(c).length >= 6);
      await addThroughA(3);
      await first.until((c) => data(c).length >= 9);
      first.close();
      await addThroughA(4);
      const resumed = await SseConnection.open(`${urlB}/v1/changes`, { ...reader, 'Last-Event-ID': first.lastId! });
      // A marker after the end: what the resumed client got before it is all it was sent.
      await addThroughA(1);
      const log = (await a.store.readAll()).map((e) => String(e.position));
      await resumed.until((c) => ids(c).includes(log.at(-1)!));
      resumed.close();
      expect([...ids(first), ...ids(resumed)]).toEqual(log);
    });

    it('the effective feed: every transition after the id, once, in order', async () => {
      const reference = await SseConnection.open(`${urlA}/v1/changes/effective`, reader);
      const first = await SseConnection.open(`${urlA}/v1/changes/effective`, reader);
      await addThroughA(3);
      await first.until((c) => data(c).length >= 3);
      first.close();
      await addThroughA(3);
      await reference.until((c) => data(c).length >= 6);
      const resumed = await SseConnection.open(`${urlB}/v1/changes/effective`, {
        ...reader,
        'Last-Event-ID': first.lastId!,
      });
      // A marker after the end: what the resumed client got before it is all it was sent.
      await addThroughA(1);
      await reference.until((c) => data(c).length >= 7);
      await resumed.until((c) => ids(c).includes(ids(reference).at(-1)!));
      reference.close();
      resumed.close();
      expect([...ids(first), ...ids(resumed)]).toEqual(ids(reference));
      expect(new Set(ids(reference)).size).toBe(ids(reference).length);
    });
  });
});
