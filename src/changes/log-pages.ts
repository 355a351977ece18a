/**
 * The log after a position, for one feed connection, read in pages sized so
 * that a page holds about `budgetBytes` of event data: a reader that stops
 * pulling (a client that stopped reading) holds one such page, whatever the
 * size of the events, rather than a fixed count of them. Once caught up it
 * waits for the read model, which follows every append, to move past, and
 * reads the newest events from the read model's buffer of them; it ends when
 * the read model stops.
 */
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import type { ReadModelService } from '../queries/read-model.service.js';
import { pace } from '../pacer.js';

export const PAGE_BUDGET_BYTES = 64 * 1024;
const MAX_PAGE = 512;
// The first page learns the size of events; until then one is the safe amount.
const FIRST_PAGE = 1;
/** Without a following read model, how often it looks for appends anyway. */
const POLL_MS = 1000;

export interface LogReadOptions {
  budgetBytes?: number;
  /** Told, each time the reader has caught up and waits, the position up to which every event was handed on. */
  onCaughtUp?: (through: bigint) => void;
}

export async function* logAfter(
  store: EventStore,
  readModel: ReadModelService,
  after: bigint,
  signal: AbortSignal,
  { budgetBytes = PAGE_BUDGET_BYTES, onCaughtUp }: LogReadOptions = {},
): AsyncGenerator<StoredEvent> {
  let maxCount = FIRST_PAGE;
  while (!signal.aborted) {
    const requested = maxCount;
    // Live connections read what the read model just folded from memory; only one behind the buffer reads the store.
    const page = readModel.recent.after(after, requested) ?? (await store.readAll({ after, maxCount: requested }));
    let bytes = 0;
    for (let i = 0; i < page.length; i++) {
      if (signal.aborted) return;
      const event = page[i]!;
      bytes += approximateBytes(event);
      after = event.position;
      yield event;
      await pace();
    }
    if (page.length)
      maxCount = Math.max(1, Math.min(MAX_PAGE, Math.floor(budgetBytes / Math.max(1, bytes / page.length))));
    if (page.length < requested) {
      onCaughtUp?.(after);
      if (!(await readModel.beyond(after, signal, POLL_MS))) return;
    }
  }
}

function approximateBytes(event: StoredEvent): number {
  return 200 + (JSON.stringify(event.data)?.length ?? 0);
}
