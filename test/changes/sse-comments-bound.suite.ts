/**
 * A client that never reads, on a feed that sends it nothing but comments (a
 * quiet ledger, a filter that matches nothing), is held to the same bound as
 * one that is sent messages: no comment is written past the full buffer, and
 * it is cut off once it has read nothing for the stall timeout.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { DEFAULT_SSE_OPTIONS, SseWriter } from '../../src/changes/sse-writer.js';

describe('changes/sse-comments-bound', () => {
  /** A response that keeps what is written and counts it as buffered until the test says the client read it. */
  function unreadResponse() {
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
        fake.writableLength += chunk.length;
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

  const options = { ...DEFAULT_SSE_OPTIONS, heartbeatMs: 100, maxBufferedBytes: 200, stallTimeoutMs: 1000 };

  describe('comments and the buffer bound', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('writes no comment past the bound, and cuts off a client that reads nothing', async () => {
      const { response, written } = unreadResponse();
      const cutOffs: string[] = [];
      const writer = new SseWriter(response, { ...options, onCutOff: (id) => cutOffs.push(id) }, '42', 'ledger');
      writer.start();
      await jest.advanceTimersByTimeAsync(100 * 50);
      const comments = written.filter((chunk) => chunk.startsWith(':'));
      // The bound is 200 bytes: heartbeats stop once it is reached, and the client is cut off a stall timeout later.
      expect(comments.join('').length).toBeLessThanOrEqual(options.maxBufferedBytes + ': heartbeat\n\n'.length);
      expect(cutOffs).toEqual(['42']);
      expect(written.at(-1)).toBe('event: cut-off\ndata: {"reason":"slow-consumer","resumeFrom":"42"}\n\n');
    });

    it('keeps a client that reads, however few comments it is sent', async () => {
      const { response, written, readAll } = unreadResponse();
      const cutOffs: string[] = [];
      const writer = new SseWriter(response, { ...options, onCutOff: (id) => cutOffs.push(id) }, '42', 'ledger');
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
});
