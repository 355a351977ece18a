/**
 * `regledger serve` stopped by SIGTERM (docker stop, a rolling deploy) or
 * SIGINT while clients are connected, on both stores: every change stream
 * gets a last `shutdown` message with `retry:`, a command whose body is still
 * arriving is applied and acknowledged, writers see answers or refused
 * connections (never a 5xx), and the process exits 0 within its grace
 * (LEDGER_SHUTDOWN_GRACE) even with a client that never reads and one that
 * never finishes its request. (One server per store: each start costs seconds.)
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { imposeBody } from '../support/commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { startServer } from '../support/cli.js';
import { EventStoreWireServer } from '../support/esdb-wire/server.js';
import { SseConnection } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';

describe('ops/shutdown', () => {
  let dir: ReturnType<typeof tempDir>;
  let wire: EventStoreWireServer | undefined;
  let running: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    // A test that failed before its signal must not leave its server behind.
    if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
    SseConnection.closeAll();
    await wire?.stop();
    wire = undefined;
    dir.remove();
  });

  async function storeEnv(store: 'sqlite' | 'eventstoredb', graceMs: number): Promise<Record<string, string>> {
    const env = { LEDGER_DATA_DIR: dir.path, PORT: '0', LEDGER_DEMO: 'on', LEDGER_SHUTDOWN_GRACE: `${graceMs}ms` };
    if (store === 'sqlite') return env;
    wire = await new EventStoreWireServer({ batchAppend: true, systemEventEvery: 3 }).start();
    return { ...env, LEDGER_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: wire.connectionString };
  }

  interface Running {
    url: string;
    child: ChildProcess;
    auth: Record<string, string>;
    /** Everything the server prints after its start-up lines. */
    log: string[];
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  }

  async function serve(env: Record<string, string>): Promise<Running> {
    const server = await startServer(env);
    running = server.child;
    const log: string[] = [];
    server.child.stdout!.on('data', (chunk) => log.push(String(chunk)));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const key = readFileSync(join(dir.path, 'admin-api-key'), 'utf8').trim();
    return { url: server.url, child: server.child, auth: { Authorization: `Bearer ${key}` }, log, exit };
  }

  /** The whole body of a stream that starts idle (no resume point): what the client saw before the server ended it. */
  async function idleStream(
    url: string,
    auth: Record<string, string>,
  ): Promise<{ opened: Promise<void>; body: Promise<string> }> {
    let opened!: () => void;
    const openedPromise = new Promise<void>((resolve) => (opened = resolve));
    const body = fetch(url, { headers: auth }).then(async (response) => {
      expect(response.status).toBe(200);
      opened();
      return response.text();
    });
    return { opened: openedPromise, body };
  }

  /** POST /v1/commands with its body sent in two halves: `finish()` sends the second. */
  function halfSentCommand(url: string, auth: Record<string, string>, body: unknown) {
    const text = JSON.stringify(body);
    let finish!: () => void;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${url}/v1/commands`,
        {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
        },
        (response) => {
          let received = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (received += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: received }));
        },
      );
      req.on('error', reject);
      req.write(text.slice(0, 40));
      finish = () => req.end(text.slice(40));
    });
    return { answer, finish: () => finish() };
  }

  /** Posts commands one after another until the server stops answering; every answer must be a 201. */
  async function busyWriter(url: string, auth: Record<string, string>, onAnswer: () => void): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      try {
        const response = await fetch(`${url}/v1/commands`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(imposeBody({ measureId: `busy-${i}` })),
        });
        statuses.push(response.status);
        await response.text();
        onAnswer();
      } catch {
        return statuses; // refused or reset: the server has stopped accepting
      }
    }
    return statuses;
  }

  const lastMessage = (body: string) => body.trim().split('\n\n').at(-1)!;

  /** Clients that do not cooperate: a stream that never reads, and a request whose headers never end. */
  async function uncooperativeClients(server: Running): Promise<{ closed: Promise<void> }> {
    const stalled = await SseConnection.open(`${server.url}/v1/changes?after=0`, server.auth);
    stalled.pause();
    const { hostname, port } = new URL(server.url);
    const slow = connect(Number(port), hostname);
    slow.on('error', () => undefined);
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    return { closed: new Promise<void>((resolve) => slow.once('close', () => resolve())) };
  }

  /** The events in the ledger the server left behind, read directly from its store. */
  async function storedEventIds(store: 'sqlite' | 'eventstoredb'): Promise<string[]> {
    if (store === 'eventstoredb') return wire!.log.records.map((record) => record.eventId);
    const ledger = new SqliteEventStore(join(dir.path, 'ledger.db'));
    try {
      return (await ledger.readAll()).map((event) => event.eventId);
    } finally {
      await ledger.close();
    }
  }

  // SQLite is also stopped with clients that never let go (so the bound is tested, with a short grace: 70% of it is
  // waited out before they are closed, and closing the app and the store has the rest, over a second even on a loaded
  // machine), by SIGINT (Ctrl-C); EventStoreDB with the default grace.
  describe.each([
    ['sqlite', 'SIGINT', 5_000],
    ['eventstoredb', 'SIGTERM', 10_000],
  ] as const)('on %s, %s, grace %i ms', (store, signal, graceMs) => {
    it('ends idle and busy streams with a shutdown message, answers the command in flight and the writers, closes what will not end, and exits 0 within the grace', async () => {
      const server = await serve(await storeEnv(store, graceMs));
      const idle = await idleStream(`${server.url}/v1/changes`, server.auth);
      const effective = await idleStream(`${server.url}/v1/changes/effective`, server.auth);
      const reader = await SseConnection.open(`${server.url}/v1/changes?after=0`, server.auth);
      await Promise.all([idle.opened, effective.opened, reader.until((c) => c.messages.length >= 7)]);
      const slowClosed = store === 'sqlite' ? await uncooperativeClients(server) : undefined;
      const inFlight = halfSentCommand(
        server.url,
        server.auth,
        imposeBody({ measureId: 'in-flight', commandId: randomUUID() }),
      );
      let writing!: () => void;
      const writerAnswered = new Promise<void>((resolve) => (writing = resolve));
      const writer = busyWriter(server.url, server.auth, () => writing());
      await writerAnswered;

      const signalledAt = Date.now();
      server.child.kill(signal);
      // The server is shutting down once it has told the streams so: only then does the command's body finish.
      await reader.until((c) => c.messages.some((m) => m.event === 'shutdown'));
      inFlight.finish();

      const [answer, exit, idleBody, effectiveBody, statuses] = await Promise.all([
        inFlight.answer,
        server.exit,
        idle.body,
        effective.body,
        writer,
      ]);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(graceMs);

      // The command whose body was still arriving was applied, acknowledged, and is in the ledger.
      expect(answer.status).toBe(201);
      const eventId = (JSON.parse(answer.body) as { events: { eventId: string }[] }).events[0]!.eventId;
      expect(await storedEventIds(store)).toContain(eventId);
      // A writer gets answers, then a refused or closed connection: never a 5xx from a store being closed under it.
      expect(statuses.filter((status) => status !== 201)).toEqual([]);

      // Idle streams: a last shutdown message telling EventSource when to come back, then the end.
      for (const body of [idleBody, effectiveBody]) {
        expect(lastMessage(body)).toMatch(
          /^event: shutdown\nretry: \d+\ndata: \{"reason":"server-shutting-down","resumeFrom":"[^"]*"\}$/,
        );
      }
      // The busy reader is told where to resume: after the last event it received.
      await reader.until((c) => c.ended);
      const last = reader.messages.at(-1)!;
      expect(last.event).toBe('shutdown');
      expect(JSON.parse(last.data)).toEqual({ reason: 'server-shutting-down', resumeFrom: reader.messages.at(-2)!.id });

      const log = server.log.join('');
      expect(log).toContain(`"signal":"${signal}"`);
      if (slowClosed) {
        await slowClosed.closed;
        expect(log).toMatch(/"forcedConnections":true/);
      } else {
        expect(log).toMatch(/"forcedConnections":false/);
      }
    });
  });
});
