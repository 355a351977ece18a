import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseWriter, DEFAULT_SSE_OPTIONS } from '../../src/changes/sse-writer.js';

/** A response that keeps what is written, and never fills up. */
function response() {
  const written: string[] = [];
  const fake = Object.assign(new EventEmitter(), {
    statusCode: 0,
    writableLength: 0,
    writableFinished: false,
    destroyed: false,
    setHeader: () => {},
    flushHeaders: () => {},
    write: (chunk: string) => written.push(chunk) > 0,
    end: () => {
      fake.writableFinished = true;
    },
  });
  return { response: fake as unknown as ServerResponse, written };
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
