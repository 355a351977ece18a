/** Citations as links to their sources, where the ledger recorded any. */
import type { Source } from './types.js';

export type SourceMap = Map<string, { citation?: string; sources: Source[] }>;

export function Cited({
  eventId,
  citation,
  position,
  sources,
}: {
  eventId: string;
  citation?: string | null;
  position?: string | null;
  sources: SourceMap;
}) {
  const known = sources.get(eventId);
  const text = citation ?? known?.citation ?? `event at position ${position ?? '?'}`;
  const url = known?.sources[0]?.url;
  return url ? (
    <a class="citation" href={url} target="_blank" rel="noopener noreferrer" title={known?.sources[0]?.title}>
      {text}
    </a>
  ) : (
    <span class="citation">{text}</span>
  );
}

export function Basis({
  basis,
  sources,
}: {
  basis: { eventId: string; type: string; position: string; citation?: string }[];
  sources: SourceMap;
}) {
  if (!basis.length) return null;
  return (
    <span class="basis">
      basis:{' '}
      {basis.map((b, i) => (
        <span key={b.eventId}>
          {i > 0 && ', '}
          {b.type} @{b.position} (
          <Cited eventId={b.eventId} citation={b.citation} position={b.position} sources={sources} />)
        </span>
      ))}
    </span>
  );
}
