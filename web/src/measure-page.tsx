/** The measure page: as in force at a valid time, and its events over valid time as recorded. */
import { query } from './api.js';
import { Basis, type SourceMap } from './citations.js';
import { navigate } from './router.js';
import type { LedgerEvent, MeasureAnswer } from './types.js';
import { useAnswer } from './use-answer.js';

export function MeasurePage({ measureId, params }: { measureId: string; params: URLSearchParams }) {
  const time = {
    at: params.get('at') ?? undefined,
    asOf: params.get('asOf') ?? undefined,
    asOfPosition: params.get('asOfPosition') ?? undefined,
  };
  const measure = useAnswer<MeasureAnswer>(`/v1/measures/${encodeURIComponent(measureId)}${query(time)}`);
  const events = useAnswer<{ events: LedgerEvent[] }>(`/v1/measures/${encodeURIComponent(measureId)}/events`);
  const sources: SourceMap = new Map(
    (events.data?.events ?? []).map((e) => [e.eventId, { citation: e.data.citation, sources: e.data.sources ?? [] }]),
  );
  const m = measure.data;
  return (
    <main id="main" class="measure">
      <h1>{m ? `${m.title}` : measureId}</h1>
      <p class="clocks">
        {measureId}
        {m
          ? ` · at ${m.at}, ${m.asOf === null ? 'before anything was recorded' : `as known at ${m.asOf} (position ${m.asOfPosition})`}`
          : ''}
      </p>
      {(measure.error ?? events.error) && (
        <p role="alert" class="error">
          {(measure.error ?? events.error)!.message}
        </p>
      )}
      {m?.notice && (
        <section class="notices" aria-label="Notices">
          <p>{m.notice}</p>
        </section>
      )}
      {m && (
        <>
          <p role="status" class={`status ${m.inForce ? 'restricted' : 'not-restricted'}`}>
            {m.inForce ? 'in force' : 'not in force'}
          </p>
          <p>
            {m.jurisdiction}, {m.authority}
            {m.citation ? `, ${m.citation}` : ''}; effective from {m.effectiveFrom}
            {m.effectiveUntil ? ` until ${m.effectiveUntil}` : ''}
            {m.liftedFrom ? `; lifted from ${m.liftedFrom}` : ''}.
          </p>
          <h2>Scope</h2>
          <p>
            {m.scope.categories.join(', ')}
            {m.scope.except.length ? ` except ${m.scope.except.join(', ')}` : ''}
          </p>
          <h2>Subjects ({m.subjects.length})</h2>
          <ul class="subjects">
            {m.subjects.map((s) => (
              <li key={s}>
                <a
                  href={`/subjects/${s}`}
                  onClick={(e) => (e.preventDefault(), navigate(`/subjects/${s}${query(time)}`))}
                >
                  {s}
                </a>
              </li>
            ))}
          </ul>
          <h2>Exemptions</h2>
          {m.exemptions.length ? (
            <ul>
              {m.exemptions.map((e) => (
                <li key={e.exemptionId}>
                  {e.exemptionId} “{e.title}”: {e.categories.join(', ')} for{' '}
                  {e.subjects === 'all' ? 'all subjects' : e.subjects.join(', ')}, from {e.effectiveFrom}
                  {e.effectiveUntil ? ` until ${e.effectiveUntil}` : ''} <Basis basis={e.basis} sources={sources} />
                </li>
              ))}
            </ul>
          ) : (
            <p>none in force</p>
          )}
          <h2>Announcements pending</h2>
          {m.pending.length ? (
            <ul>
              {m.pending.map((p) => (
                <li key={p.announcementId ?? p.announcedAt}>
                  {p.announcementId}, announced {p.announcedAt}: {p.statement}
                </li>
              ))}
            </ul>
          ) : (
            <p>none</p>
          )}
        </>
      )}
      {events.data && (
        <section aria-labelledby="events-title">
          <h2 id="events-title">Over valid time, as recorded</h2>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">
                The measure's events in record order, with the valid time each concerns
              </caption>
              <thead>
                <tr>
                  <th scope="col">Position</th>
                  <th scope="col">Event</th>
                  <th scope="col">In force from</th>
                  <th scope="col">Until</th>
                  <th scope="col">Citation</th>
                  <th scope="col">Recorded</th>
                </tr>
              </thead>
              <tbody>
                {events.data.events.map((e) => (
                  <tr key={e.eventId}>
                    <td>{e.position}</td>
                    <td>{e.type}</td>
                    <td>{e.data.effectiveFrom ?? e.data.announcedAt ?? ''}</td>
                    <td>{String(e.data.effectiveUntil ?? '')}</td>
                    <td>
                      {e.data.sources?.[0] ? (
                        <a href={e.data.sources[0].url}>{e.data.citation ?? e.data.sources[0].url}</a>
                      ) : (
                        (e.data.citation ?? '')
                      )}
                    </td>
                    <td>
                      {e.recordedAt}
                      {e.metadata.actor ? ` by ${e.metadata.actor}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </main>
  );
}
