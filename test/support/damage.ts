/** Ways a ledger file gets damaged on disk, for the tests that check the ledger notices. */
import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

/** A closed embedded ledger at `path` holding `count` events of about 1 KB each, in streams that are not measures (enough pages to damage one in the middle). */
export async function writeLedger(path: string, count = 400): Promise<void> {
  const store = new SqliteEventStore(path);
  for (let i = 0; i < count; i += 50) {
    const events = Array.from({ length: 50 }, (_, j) => ({
      eventId: `e-${i + j}`,
      type: 'Filled',
      data: { i: i + j, padding: 'x'.repeat(1000) },
      metadata: {},
    }));
    await store.append(`filler-${i}`, events, 'no_stream');
  }
  await store.close();
}

/** Overwrites one whole page in the middle of the file with bytes that are no b-tree page. */
export function scribbleMidFile(path: string, pageSize = 4096): void {
  const pages = Math.floor(statSync(path).size / pageSize);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
  } finally {
    closeSync(fd);
  }
}

export function truncateToHalf(path: string): void {
  truncateSync(path, Math.floor(statSync(path).size / 2));
}
