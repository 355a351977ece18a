// Appends to an embedded store from a separate process, printing each
// acknowledged append as a JSON line. Used by the contract and crash tests.
// Usage: node append-child.mjs <db path> <stream> <count|forever> [payloadBytes]
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { SqliteEventStore } from '../../dist/src/event-store/sqlite/sqlite-event-store.js';

const [path, stream, countArg, payloadArg] = process.argv.slice(2);
const store = new SqliteEventStore(path);
const count = countArg === 'forever' ? Infinity : Number(countArg);
const padding = 'x'.repeat(Number(payloadArg ?? 0));
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Written synchronously: each ack is in the pipe before the next append starts, so a kill leaves at most one
 * committed append unacknowledged. process.stdout may queue writes in the process, where a kill loses them.
 */
function ack(line) {
  const bytes = Buffer.from(line);
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1); // the pipe is full: wait for the reader
    }
  }
}
for (let i = 0; i < count; i++) {
  const events = [0, 1].map((part) => ({
    eventId: randomUUID(),
    type: 'ChildAppended',
    data: { i, part, padding },
    metadata: {},
  }));
  const result = await store.append(stream, events, i === 0 ? 'no_stream' : BigInt(2 * i - 1));
  ack(`${JSON.stringify({ i, ids: events.map((e) => e.eventId), position: String(result.position) })}\n`);
}
await store.close();
