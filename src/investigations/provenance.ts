/**
 * The provenance of events as the store holds them in full (the read model
 * keeps no sources or notes): who recorded each, under which command, with
 * which citation, sources and note.
 */
import { streamOf, type Source } from '../domain/messages.js';
import type { EventStore } from '../event-store/event-store.js';
import { storedProvenance } from '../domain/fact-reading.js';

export interface Provenance {
  actor?: string;
  commandId?: string;
  citation?: string;
  sources?: Source[];
  note?: string;
  hash?: string;
}

export async function provenanceOf(store: EventStore, measureIds: Iterable<string>): Promise<Map<string, Provenance>> {
  const found = new Map<string, Provenance>();
  for (const measureId of new Set(measureIds)) {
    for (const event of await store.readStream(streamOf(measureId))) {
      const data = storedProvenance(event.data);
      const metadata = event.metadata as { actor?: string; commandId?: string; hash?: string };
      found.set(event.eventId, {
        ...(metadata.actor ? { actor: metadata.actor } : {}),
        ...(metadata.commandId ? { commandId: metadata.commandId } : {}),
        ...(data.citation ? { citation: data.citation } : {}),
        ...(data.sources ? { sources: data.sources } : {}),
        ...(data.note ? { note: data.note } : {}),
        ...(metadata.hash ? { hash: metadata.hash } : {}),
      });
    }
  }
  return found;
}
