import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom, take, toArray } from 'rxjs';
import { join } from 'node:path';
import { ChangeFeedService } from '../../src/changes/change-feed.service.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { imposeBody, M } from '../support/commands.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';

describe('changes/effective-changes', () => {
  let t: TestApp | undefined;
  let url = '';
  let clock: FakeClock;
  afterEach(async () => {
    SseConnection.closeAll();
    await t?.close();
    t = undefined;
  });

  const HOUR = 3_600_000;

  async function listen() {
    clock = new FakeClock(Date.now());
    t = await startTestApp({ clock });
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  const post = async (body: object) =>
    (await t!.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;
  const transitions = (c: SseConnection) => c.messages.filter((m) => !m.event).map((m) => JSON.parse(m.data));
  /** The log's last position: a feed that says it has evaluated up to it has sent what every record so far owes. */
  const head = () => t!.store.headPosition();

  describe('GET /v1/changes/effective', () => {
    it("announces a licence's end at that instant, and not before", async () => {
      await listen();
      const until = new Date(clock.now() + 2 * HOUR).toISOString();
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
      await post({
        type: 'GrantExemption',
        measureId: M,
        exemptionId: 'tgl',
        title: 'licence',
        categories: ['exports/maintenance'],
        effectiveFrom: '2019-01-01',
        effectiveUntil: until,
      });
      const client = await SseConnection.open(`${url}/v1/changes/effective?subject=acme`, bearer('reader'));
      clock.advanceTo(Date.parse(until) - 1);
      // The feed waits for the licence's end: it has evaluated everything before it, and sent nothing. (Its evaluated
      // comment says so only up to the clock, written when it starts waiting: a record can still come before the end.)
      await clock.sleeping(Date.parse(until));
      await client.evaluatedThrough(0, await head());
      expect(transitions(client)).toEqual([]);
      clock.advanceTo(Date.parse(until));
      // Everything due up to the licence's end has been sent: the end, and nothing else.
      await client.evaluatedThrough(Date.parse(until), await head());
      client.close();
      const [ended] = transitions(client);
      expect(ended).toMatchObject({
        subjectId: 'acme',
        at: until,
        became: {
          restricted: { categories: ['exports/maintenance'], except: [] },
          unrestricted: { categories: [], except: [] },
        },
        restricted: { categories: ['exports'], except: [] },
        causes: [expect.objectContaining({ type: 'ExemptionGranted' })],
      });
      expect(transitions(client)).toHaveLength(1);
    });

    it('announces a recorded change of what is in force now, and nothing for changes in the future or the past', async () => {
      await listen();
      const client = await SseConnection.open(`${url}/v1/changes/effective`, bearer('reader'));
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
      await client.until((c) => transitions(c).length === 1);
      await post({
        type: 'BroadenScope',
        measureId: M,
        categories: ['services'],
        effectiveFrom: new Date(clock.now() + HOUR).toISOString(),
      });
      await post({ type: 'NarrowScope', measureId: M, remove: ['exports/food'], effectiveFrom: '2019-02-01' });
      await client.evaluatedThrough(clock.now(), await head());
      client.close();
      const [imposed, narrowed] = transitions(client);
      expect(imposed).toMatchObject({
        subjectId: 'acme',
        became: { restricted: { categories: ['exports'] } },
        causes: [expect.objectContaining({ type: 'RestrictionImposed' })],
      });
      expect(narrowed).toMatchObject({
        subjectId: 'acme',
        became: { unrestricted: { categories: ['exports/food'] } },
        restricted: { categories: ['exports'], except: ['exports/food'] },
      });
      expect(transitions(client)).toHaveLength(2);
    });

    it('a client resuming with Last-Event-ID gets what followed, once, across records and instants', async () => {
      await listen();
      const start = clock.now();
      const reference = await SseConnection.open(`${url}/v1/changes/effective`, bearer('reader'));
      const interrupted = await SseConnection.open(`${url}/v1/changes/effective`, bearer('reader'));
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme', 'bolt'] }));
      for (let i = 1; i <= 3; i++) {
        await post({
          type: 'GrantExemption',
          measureId: M,
          exemptionId: `e${i}`,
          title: 'licence',
          categories: [`exports/c${i}`],
          effectiveFrom: '2019-01-01',
          effectiveUntil: new Date(start + i * HOUR).toISOString(),
        });
      }
      await interrupted.until((c) => transitions(c).length >= 3);
      interrupted.close();
      const lastId = interrupted.lastId!;
      clock.advanceTo(start + 3 * HOUR);
      await reference.until((c) => transitions(c).length === 14);
      const resumed = await SseConnection.open(`${url}/v1/changes/effective`, {
        ...bearer('reader'),
        'Last-Event-ID': lastId,
      });
      const expected = transitions(reference).map((m) => m.id);
      const already = transitions(interrupted).map((m) => m.id);
      await resumed.evaluatedThrough(start + 3 * HOUR, await head());
      reference.close();
      resumed.close();
      expect([...already, ...transitions(resumed).map((m) => m.id)]).toEqual(expected);
      // 2 subjects × (imposition + 3 grants + 3 licence ends) = 14, each id unique
      expect(new Set(expected).size).toBe(14);
    });

    it('a client whose connection drops before its first message resumes from when it connected', async () => {
      await listen();
      const first = await SseConnection.open(`${url}/v1/changes/effective`, bearer('reader'));
      await first.until((c) => c.lastId !== undefined);
      first.close();
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
      const resumed = await SseConnection.open(`${url}/v1/changes/effective`, {
        ...bearer('reader'),
        'Last-Event-ID': first.lastId!,
      });
      await resumed.until((c) => transitions(c).length === 1);
      resumed.close();
      expect(transitions(first)).toEqual([]);
      expect(transitions(resumed)[0]).toMatchObject({ subjectId: 'acme', causes: [{ type: 'RestrictionImposed' }] });
    });

    it('resumes from the first record of an empty ledger without spinning: the server keeps answering', async () => {
      await listen();
      const client = await SseConnection.open(`${url}/v1/changes/effective`, {
        ...bearer('reader'),
        'Last-Event-ID': '0-0-0-acme',
      });
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
      await client.until((c) => transitions(c).length === 1);
      client.close();
      expect(transitions(client)[0]).toMatchObject({ subjectId: 'acme' });
    });

    it('is offered in process as an Observable', async () => {
      await listen();
      const feed = t!.app.get(ChangeFeedService);
      // "From now" taken before subscribing: nothing recorded after this call is missed.
      const after = await feed.effectiveNow();
      const received = firstValueFrom(feed.effectiveChanges$({ subjects: ['acme'], after }).pipe(take(1), toArray()));
      await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
      const [transition] = await received;
      expect(transition).toMatchObject({ subjectId: 'acme', became: { restricted: { categories: ['exports'] } } });
    });
  });

  describe('effective feed across a restart', () => {
    it('a client resuming after the server restarts gets exactly what it had not acknowledged', async () => {
      const dir = tempDir();
      const path = join(dir.path, 'ledger.db');
      clock = new FakeClock(Date.now());
      const start = clock.now();
      const open = async () => {
        const app = await startTestApp({ clock, store: new SqliteEventStore(path) });
        await app.app.listen(0, '127.0.0.1');
        return { app, url: (await app.app.getUrl()).replace('[::1]', '127.0.0.1') };
      };
      const grant = (id: string, hours: number) => ({
        type: 'GrantExemption',
        measureId: M,
        exemptionId: id,
        title: 'licence',
        categories: [`exports/${id}`],
        effectiveFrom: '2019-01-01',
        effectiveUntil: new Date(start + hours * HOUR).toISOString(),
      });
      try {
        const first = await open();
        t = first.app;
        const client = await SseConnection.open(`${first.url}/v1/changes/effective`, bearer('reader'));
        await post(imposeBody({ effectiveFrom: '2019-01-01', subjects: ['acme'] }));
        await post(grant('e1', 1));
        await post(grant('e2', 2));
        await client.until((c) => transitions(c).length === 3);
        const acknowledged = transitions(client)[1].id as string;
        client.close();
        await first.app.close();

        clock.advanceTo(start + 90 * 60_000);
        const second = await open();
        t = second.app;
        await post(grant('e3', 3));
        const resumed = await SseConnection.open(`${second.url}/v1/changes/effective`, {
          ...bearer('reader'),
          'Last-Event-ID': acknowledged,
        });
        const reference = await SseConnection.open(
          `${second.url}/v1/changes/effective?after=${start}-1-0-`,
          bearer('reader'),
        );
        await reference.until((c) => transitions(c).length === 5);
        clock.advanceTo(start + 2 * HOUR);
        await reference.until((c) => transitions(c).length === 6);
        await resumed.evaluatedThrough(start + 2 * HOUR, await second.app.store.headPosition());
        const ids = (c: SseConnection) => transitions(c).map((m) => m.id);
        expect(ids(reference).slice(0, 2)).toEqual(
          transitions(client)
            .slice(0, 2)
            .map((m) => m.id),
        );
        expect(ids(resumed)).toEqual(ids(reference).slice(2));
        expect(transitions(reference).map((m) => m.causes[0].type)).toEqual([
          'RestrictionImposed',
          'ExemptionGranted',
          'ExemptionGranted',
          'ExemptionGranted',
          'ExemptionGranted',
          'ExemptionGranted',
        ]);
        expect(
          transitions(reference)
            .slice(4)
            .map((m) => m.at),
        ).toEqual([new Date(start + HOUR).toISOString(), new Date(start + 2 * HOUR).toISOString()]);
      } finally {
        SseConnection.closeAll();
        dir.remove();
      }
    });
  });
});
