// Appends to an embedded store from a separate process, printing each
// acknowledged append as a JSON line. Used by the contract and crash tests.
// Usage: node append-child.mjs <db path> <stream> <count|forever> [payloadBytes]
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../dist/src/event-store/sqlite/sqlite-event-store.js';

const [path, stream, countArg, payloadArg] = process.argv.slice(2);
const store = new SqliteEventStore(path);
const count = countArg === 'forever' ? Infinity : Number(countArg);
const padding = 'x'.repeat(Number(payloadArg ?? 0));
for (let i = 0; i < count; i++) {
  const events = [0, 1].map((part) => ({
    eventId: randomUUID(),
    type: 'ChildAppended',
    data: { i, part, padding },
    metadata: {},
  }));
  const result = await store.append(stream, events, i === 0 ? 'no_stream' : BigInt(2 * i - 1));
  process.stdout.write(
    `${JSON.stringify({ i, ids: events.map((e) => e.eventId), position: String(result.position) })}\n`,
  );
}
await store.close();
