import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ChangeFeedService } from '../../src/changes/change-feed.service.js';
import type { EventToAppend } from '../../src/event-store/event-store.js';
import type { SseOptions } from '../../src/changes/sse-writer.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { imposition } from '../support/stored-events.js';
import { SseConnection } from '../support/sse-client.js';

describe('changes/ledger-changes', () => {
  let t: TestApp;
  let url = '';
  afterEach(async () => {
    SseConnection.closeAll();
    await t?.close();
  });

  async function listen(sse: Partial<SseOptions> = {}) {
    t = await startTestApp({ sse });
    await t.app.listen(0, '127.0.0.1');
    url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  const reader = bearer('reader');
  const added = (measureId: string, subjects: string[]): EventToAppend => ({
    eventId: randomUUID(),
    type: 'SubjectsAdded',
    data: { measureId, subjects, effectiveFrom: '2019-08-19T00:00:00.000Z' },
    metadata: {},
  });
  const positions = (c: SseConnection) => c.messages.filter((m) => !m.event).map((m) => Number(m.id));
  /** The log's positions in order: which numbers they are is the store's choice. */
  const logPositions = async () => (await t.store.readAll()).map((e) => Number(e.position));

  describe('GET /v1/changes', () => {
    it('sends each event as a CloudEvent with its position as the SSE id', async () => {
      await listen();
      await t.store.append('measure-m1', [imposition('m1', ['acme'])], 'no_stream');
      const client = await SseConnection.open(`${url}/v1/changes?after=0`, reader);
      await client.until((c) => c.messages.length === 1);
      client.close();
      const [message] = client.messages;
      const [position] = await logPositions();
      expect(message!.id).toBe(String(position));
      expect(JSON.parse(message!.data)).toMatchObject({
        specversion: '1.0',
        id: expect.any(String),
        source: '/regledger',
        type: 'org.regledger.RestrictionImposed',
        subject: 'm1',
        time: expect.any(String),
        datacontenttype: 'application/json',
        data: { measureId: 'm1', subjects: ['acme'] },
        ledgerposition: String(position),
        streamrevision: '0',
        effectivefrom: '2019-05-16T20:15:00.000Z',
      });
    });

    it('five clients disconnecting at random and resuming with Last-Event-ID see 480 events from concurrent writers once each, in order', async () => {
      await listen();
      // Pages of ~200 events and resumes every 1 to 120 events: several pages, at least four resumes per client.
      const total = 480;
      // Eight writers, each appending its 60 events eight at a time: the appends interleave, and the feed meets events
      // written together as well as alone (one by one, the EventStoreDB project spent 10 s on the appends alone).
      const batch = 8;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        await t.store.append(`measure-w${w}`, [imposition(`w${w}`, [`s${w}`])], 'no_stream');
        for (let i = 1; i < total / 8; i += batch) {
          const events = Array.from({ length: Math.min(batch, total / 8 - i) }, (_, j) =>
            added(`w${w}`, [`x${i + j}`]),
          );
          await t.store.append(`measure-w${w}`, events, 'any');
        }
      });
      const clients = Array.from({ length: 5 }, async (_, k) => {
        const seen: number[] = [];
        let lastId = '0';
        let rounds = 0;
        while (seen.length < total) {
          const connection = await SseConnection.open(`${url}/v1/changes`, { ...reader, 'Last-Event-ID': lastId });
          const stopAfter = seen.length + 1 + Math.floor(Math.random() * 120);
          await connection.until((c) => seen.length + positions(c).length >= Math.min(stopAfter, total), 20_000);
          connection.close();
          // Kept up to where this round stops, whatever arrived after it: the client resumes from a point it chose, and a
          // round never overshoots (so at least four rounds of at most 120 events).
          seen.push(...positions(connection).slice(0, Math.min(stopAfter, total) - seen.length));
          lastId = String(seen.at(-1) ?? lastId);
          rounds++;
        }
        return { k, seen, rounds };
      });
      const [results] = await Promise.all([Promise.all(clients), Promise.all(writers)]);
      const all = await logPositions();
      expect(all).toHaveLength(total);
      for (const { seen, rounds } of results) {
        expect(seen).toEqual(all);
        expect(rounds).toBeGreaterThan(3);
      }
    }, 90_000);

    it('filters by subject, measure and type on the server', async () => {
      await listen();
      await t.store.append('measure-a', [imposition('a', ['acme'])], 'no_stream');
      await t.store.append('measure-b', [imposition('b', ['bolt'])], 'no_stream');
      await t.store.append('measure-b', [added('b', ['acme'])], 0n);
      await t.store.append('measure-c', [imposition('c', ['cog'])], 'no_stream');
      const queries = ['subject=acme', 'measure=b,c', 'type=SubjectsAdded', 'subject=acme,cog&type=RestrictionImposed'];
      const clients = await Promise.all(
        queries.map((q) => SseConnection.open(`${url}/v1/changes?after=0&${q}`, reader)),
      );
      const [p1, p2, p3, p4] = await logPositions();
      // A feed that says it has sent (or left out) every event up to the head has sent its whole answer.
      const received = await Promise.all(
        clients.map(async (c) => {
          await c.sentThrough(BigInt(p4!));
          c.close();
          return positions(c);
        }),
      );
      // measure b named acme only from its 3rd event: its imposition (the 2nd) is not acme's
      expect(received).toEqual([[p1, p3], [p2, p3, p4], [p3], [p1, p4]]);
      const bad = await SseConnection.open(`${url}/v1/changes?type=Nope`, reader);
      expect(bad.status).toBe(400);
      bad.close();
    });

    it('starts from now without a resume id, and sends heartbeats that say how far it has sent', async () => {
      await listen({ heartbeatMs: 50 });
      await t.store.append('measure-old', [imposition('old', ['acme'])], 'no_stream');
      const client = await SseConnection.open(`${url}/v1/changes`, reader);
      await t.store.append('measure-new', [imposition('new', ['acme'])], 'no_stream');
      const [, newer] = await logPositions();
      await client.sentThrough(BigInt(newer!));
      // Caught up and idle, the feed repeats where it stands with every heartbeat: two more comments, the same claim.
      const seen = client.comments;
      await client.until((c) => c.comments >= seen + 2);
      client.close();
      expect(client.evaluated).toBe(String(newer));
      expect(positions(client)).toEqual([newer]);
    });

    it('a client whose connection drops before its first message resumes from when it connected', async () => {
      await listen();
      await t.store.append('measure-old', [imposition('old', ['acme'])], 'no_stream');
      const first = await SseConnection.open(`${url}/v1/changes`, reader);
      await first.until((c) => c.lastId !== undefined);
      first.close();
      await t.store.append('measure-new', [imposition('new', ['acme'])], 'no_stream');
      const resumed = await SseConnection.open(`${url}/v1/changes`, { ...reader, 'Last-Event-ID': first.lastId! });
      await resumed.until((c) => c.messages.length === 1);
      resumed.close();
      expect(first.messages).toEqual([]);
      expect(positions(resumed)).toEqual((await logPositions()).slice(1));
    });

    it('cuts off a stalled client with the id to resume from, while others keep receiving', async () => {
      let cutOffs = 0;
      let stalled: SseConnection | undefined;
      // The client reads again as soon as it is cut off, so the final message reaches it before the socket goes.
      await listen({
        maxBufferedBytes: 16 * 1024,
        stallTimeoutMs: 300,
        onCutOff: () => (cutOffs++, stalled?.resume()),
      });
      stalled = await SseConnection.open(`${url}/v1/changes?after=0`, reader);
      const healthy = await SseConnection.open(`${url}/v1/changes?after=0`, reader);
      stalled.pause();
      // Appends until the loopback socket buffers (several MiB) and then the server's own buffer fill and the stalled
      // client is cut off, then some more that only the healthy client and the resumed one receive. Large events fill
      // them in few appends: 32 kB ones took 170 to 230 appends, 8 s on the EventStoreDB project.
      const note = 'x'.repeat(256_000);
      const atMost = 100;
      const afterCutOff = 5;
      let count = 0;
      for (let cutAt = atMost; count < Math.min(atMost, cutAt + afterCutOff); count++) {
        await t.store.append(`measure-big${count}`, [imposition(`big${count}`, ['acme'], { note })], 'no_stream');
        if (cutOffs && cutAt === atMost) cutAt = count;
      }
      await healthy.until((c) => positions(c).length === count, 60_000);
      healthy.close();
      const all = await logPositions();
      expect(positions(healthy)).toEqual(all);
      await stalled.until((c) => c.ended, 10_000);
      expect(cutOffs).toBe(1);
      const cutOff = stalled.messages.find((m) => m.event === 'cut-off');
      expect(cutOff).toBeDefined();
      const { resumeFrom } = JSON.parse(cutOff!.data) as { resumeFrom: string };
      const received = positions(stalled);
      expect(received.length).toBeLessThan(count);
      expect(resumeFrom).toBe(String(received.at(-1)));
      const resumed = await SseConnection.open(`${url}/v1/changes`, { ...reader, 'Last-Event-ID': resumeFrom });
      await resumed.until((c) => positions(c).length === count - received.length, 60_000);
      resumed.close();
      expect([...received, ...positions(resumed)]).toEqual(all);
    }, 90_000);

    it('rejects a bad resume id and needs a reader key', async () => {
      await listen();
      const bad = await SseConnection.open(`${url}/v1/changes`, { ...reader, 'Last-Event-ID': 'abc' });
      expect(bad.status).toBe(400);
      bad.close();
      const anonymous = await SseConnection.open(`${url}/v1/changes`, {});
      expect(anonymous.status).toBe(401);
      anonymous.close();
    });
  });

  describe('in process', () => {
    it('offers the same feed as an Observable, with the same order and resume', async () => {
      await listen();
      for (let i = 0; i < 10; i++) await t.store.append(`measure-o${i}`, [imposition(`o${i}`, ['acme'])], 'no_stream');
      const feed = t.app.get(ChangeFeedService);
      const first = await firstValueFrom(feed.ledgerChanges$({ after: 0n }).pipe(take(4), toArray()));
      const all = (await logPositions()).map(BigInt);
      expect(first.map((c) => c.position)).toEqual(all.slice(0, 4));
      const rest = await firstValueFrom(
        feed.ledgerChanges$({ after: first.at(-1)!.position }).pipe(take(6), toArray()),
      );
      expect(rest.map((c) => c.position)).toEqual(all.slice(4, 10));
      expect(rest[0]!.event).toMatchObject({ type: 'org.regledger.RestrictionImposed', subject: 'o4' });
    });
  });
});
