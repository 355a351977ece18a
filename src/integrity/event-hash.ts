/**
 * The content hash every event carries in its metadata (`hash`): SHA-256 of
 * the RFC 8785 canonical JSON of its type, data, the metadata the ledger
 * itself sets, and the hash of the previous event of its stream. Whatever
 * store holds the event, recomputing this names any event whose stored
 * content changed, and a broken chain names where one went missing.
 */
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/** Metadata the ledger writes before the append; `recordedAt` and store-specific fields are covered by the Merkle leaf. */
export const HASHED_METADATA = ['actor', 'commandId', 'correlationId', 'causationId', 'schemaVersion'] as const;

export interface HashableEvent {
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export function contentHash(event: HashableEvent, previousHash: string | null): string {
  const metadata: Record<string, unknown> = {};
  for (const key of HASHED_METADATA) if (event.metadata[key] !== undefined) metadata[key] = event.metadata[key];
  // RFC 8785 leaves out undefined members, as a store's JSON does: the hash is the same before and after the append.
  const content = { type: event.type, data: event.data ?? null, metadata, previousHash };
  return createHash('sha256').update(canonicalize(content)!, 'utf8').digest('hex');
}

export function storedHash(event: { metadata: Record<string, unknown> }): string | undefined {
  const hash = event.metadata.hash;
  return typeof hash === 'string' ? hash : undefined;
}
