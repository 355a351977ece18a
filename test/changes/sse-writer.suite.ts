import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseWriter, DEFAULT_SSE_OPTIONS } from '../../src/changes/sse-writer.js';

describe('changes/sse-writer', () => {
  /**
   * A response that keeps what is written. It never fills up, unless `unread`: then what is written stays buffered
   * until the test says the client read it.
   */
  function response({ unread = false } = {}) {
    const written: string[] = [];
    const fake = Object.assign(new EventEmitter(), {
      statusCode: 0,
      writableLength: 0,
      writableFinished: false,
      destroyed: false,
      setHeader: () => {},
      flushHeaders: () => {},
      write: (chunk: string) => {
        written.push(chunk);
        if (unread) fake.writableLength += chunk.length;
        return true;
      },
      end: () => {
        fake.writableFinished = true;
      },
      destroy: () => {
        fake.destroyed = true;
      },
    });
    return { response: fake as unknown as ServerResponse, written, readAll: () => (fake.writableLength = 0) };
  }

  const comments = (written: string[]) => written.filter((chunk) => chunk.startsWith(':'));

  describe('the evaluated comment', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('is written once for a burst, naming the last point, after the messages sent before it', async () => {
      const { response: res, written } = response();
      const writer = new SseWriter(res, { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 1000 }, '0', 'ledger');
      writer.start();
      await writer.send('7', { n: 7 });
      writer.evaluated(() => '7');
      await writer.send('8', { n: 8 });
      writer.evaluated(() => '8');
      expect(comments(written)).toEqual([]);
      jest.advanceTimersByTime(0);
      expect(written.slice(-2)).toEqual(['id: 8\ndata: {"n":8}\n\n', ': evaluated 8\n\n']);
      expect(comments(written)).toEqual([': evaluated 8\n\n']);
      writer.end();
    });

    it('is repeated by every heartbeat once told, and a heartbeat says only that before', () => {
      const { response: res, written } = response();
      const writer = new SseWriter(res, { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 1000 }, '0', 'effective');
      writer.start();
      jest.advanceTimersByTime(1000);
      writer.evaluated(() => '5-1-3-~');
      jest.advanceTimersByTime(2000);
      expect(comments(written)).toEqual([
        ': heartbeat\n\n',
        ': evaluated 5-1-3-~\n\n',
        ': evaluated 5-1-3-~\n\n',
        ': evaluated 5-1-3-~\n\n',
      ]);
      writer.end();
    });

    it('is not written once the stream has ended', () => {
      const { response: res, written } = response();
      const writer = new SseWriter(res, { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 1000 }, '0', 'ledger');
      writer.start();
      writer.evaluated(() => '3');
      writer.end();
      jest.advanceTimersByTime(5000);
      expect(comments(written)).toEqual([]);
    });
  });

  /** A response whose buffered byte count the test sets, as a client's reads would. */
  function bufferedResponse(bytes: number) {
    const { response: res, written } = response();
    Object.assign(res, { writableLength: bytes });
    const readDownTo = (left: number) => Object.assign(res, { writableLength: left });
    return { response: res, written, readDownTo };
  }

  describe('a full buffer', () => {
    const options = { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 60_000, maxBufferedBytes: 1000, stallTimeoutMs: 100 };
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('cuts the client off when it reads nothing for the stall timeout', async () => {
      const { response: res, written } = bufferedResponse(5000);
      const writer = new SseWriter(res, options, '3', 'ledger');
      writer.start();
      const sent = writer.send('4', { n: 4 });
      await jest.advanceTimersByTimeAsync(150);
      expect(await sent).toBe(false);
      expect(written.at(-1)).toBe('event: cut-off\ndata: {"reason":"slow-consumer","resumeFrom":"3"}\n\n');
    });

    it('waits for a client that reads slowly, however long it takes, and sends once the buffer is down', async () => {
      const { response: res, written, readDownTo } = bufferedResponse(5000);
      const writer = new SseWriter(res, options, '3', 'ledger');
      writer.start();
      const sent = writer.send('4', { n: 4 });
      for (const left of [4000, 3000, 2000, 1500]) {
        await jest.advanceTimersByTimeAsync(60);
        readDownTo(left);
      }
      await jest.advanceTimersByTimeAsync(90);
      readDownTo(500);
      await jest.advanceTimersByTimeAsync(100);
      expect(await sent).toBe(true);
      expect(written.at(-1)).toBe('id: 4\ndata: {"n":4}\n\n');
      writer.end();
    });
  });

  describe('a server whose event loop was held up', () => {
    let server: Server;
    let client: IncomingMessage;
    afterEach(async () => {
      client?.destroy();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('does not take a client that reads for a stalled one because its reads were not yet seen', async () => {
      const options = { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024, stallTimeoutMs: 50 };
      const opened = new Promise<ServerResponse>((resolve) => {
        server = createServer((_req, res) => resolve(res)).listen(0, '127.0.0.1');
      });
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const responded = new Promise<IncomingMessage>((resolve) =>
        get(`http://127.0.0.1:${port}/`, resolve).on('error', () => {}),
      );
      const res = await opened;
      const writer = new SseWriter(res, options, '0', 'ledger');
      writer.start();
      client = await responded;
      // The client reads nothing until the socket's buffers are full and the server holds more than its bound.
      client.pause();
      for (let i = 0; i < 256; i++) res.write(`: ${'x'.repeat(64 * 1024)}\n\n`);
      await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
      expect(res.writableLength).toBeGreaterThan(options.maxBufferedBytes);
      let received = 0;
      client.on('data', (chunk: Buffer) => (received += chunk.length));
      // The client reads again, and the server sends, then holds the loop for several stall timeouts in the same turn
      // (as its folds and feeds do, in slices between turns of I/O): the timer is due before the client's reads are seen.
      const { sending } = await new Promise<{ sending: Promise<boolean> }>((resolve) =>
        setImmediate(() => {
          client.resume();
          const sending = writer.send('1', { n: 1 });
          const busyUntil = Date.now() + 4 * options.stallTimeoutMs;
          while (Date.now() < busyUntil);
          resolve({ sending });
        }),
      );
      expect(await sending).toBe(true);
      expect(received).toBeGreaterThan(0);
      writer.end();
    });
  });

  // A client that never reads, on a feed that sends it nothing but comments (a quiet ledger, a filter that matches
  // nothing), is held to the same bound as one sent messages, and cut off once it has read nothing for the stall timeout.
  const commentOptions = { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 100, maxBufferedBytes: 200, stallTimeoutMs: 1000 };

  describe('comments and the buffer bound', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('writes no comment past the bound, and cuts off a client that reads nothing', async () => {
      const { response: res, written } = response({ unread: true });
      const cutOffs: string[] = [];
      const writer = new SseWriter(res, { ...commentOptions, onCutOff: (id) => cutOffs.push(id) }, '42', 'ledger');
      writer.start();
      await jest.advanceTimersByTimeAsync(100 * 50);
      const comments = written.filter((chunk) => chunk.startsWith(':'));
      // The bound is 200 bytes: heartbeats stop once it is reached, and the client is cut off a stall timeout later.
      expect(comments.join('').length).toBeLessThanOrEqual(commentOptions.maxBufferedBytes + ': heartbeat\n\n'.length);
      expect(cutOffs).toEqual(['42']);
      expect(written.at(-1)).toBe('event: cut-off\ndata: {"reason":"slow-consumer","resumeFrom":"42"}\n\n');
    });

    it('keeps a client that reads, however few comments it is sent', async () => {
      const { response: res, written, readAll } = response({ unread: true });
      const cutOffs: string[] = [];
      const writer = new SseWriter(res, { ...commentOptions, onCutOff: (id) => cutOffs.push(id) }, '42', 'ledger');
      writer.start();
      for (let i = 0; i < 50; i++) {
        await jest.advanceTimersByTimeAsync(100);
        if (i % 5 === 4) readAll();
      }
      expect(cutOffs).toEqual([]);
      expect(written.filter((chunk) => chunk === ': heartbeat\n\n').length).toBeGreaterThan(20);
      writer.end();
    });
  });
  describe('a client gone before the stream starts', () => {
    let gone: Server | undefined;
    afterEach(() => void gone?.close());

    // A client can leave while the server is still working out where its feed starts: the response has said 'close'
    // before the writer listens for it. The writer must see it gone, not keep a feed running for nobody.
    it('sends nothing and says so, so the feed stops', async () => {
      const opened = new Promise<ServerResponse>((resolve) => {
        gone = createServer((_req, res) => resolve(res)).listen(0, '127.0.0.1');
      });
      await new Promise((resolve) => gone!.once('listening', resolve));
      const { port } = gone!.address() as AddressInfo;
      const request = get(`http://127.0.0.1:${port}/`).on('error', () => {});
      const res = await opened;
      const closed = new Promise((resolve) => res.once('close', resolve));
      request.destroy();
      await closed;
      const errors: Error[] = [];
      res.on('error', (error) => errors.push(error));
      const writer = new SseWriter(res, { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 60_000 }, '0', 'effective');
      writer.start();
      expect(await writer.send('1', { n: 1 })).toBe(false);
      expect(await writer.send('2', { n: 2 })).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors).toEqual([]);
      writer.end();
    });
  });
});
