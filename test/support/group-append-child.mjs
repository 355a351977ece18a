// Appends from many concurrent writers in one process, so that appends are
// committed in groups, printing each acknowledged append as a JSON line.
// Usage: node group-append-child.mjs <db path> <writers>
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../dist/src/event-store/sqlite/sqlite-event-store.js';

const [path, writersArg] = process.argv.slice(2);
const store = new SqliteEventStore(path);
const padding = 'x'.repeat(512);
await Promise.all(
  Array.from({ length: Number(writersArg) }, async (_, w) => {
    for (let i = 0; ; i++) {
      const events = [0, 1].map((part) => ({
        eventId: randomUUID(),
        type: 'ChildAppended',
        data: { w, i, part, padding },
        metadata: {},
      }));
      const result = await store.append(`writer-${w}`, events, i === 0 ? 'no_stream' : BigInt(2 * i - 1));
      process.stdout.write(
        `${JSON.stringify({ w, i, ids: events.map((e) => e.eventId), position: String(result.position) })}\n`,
      );
    }
  }),
);
