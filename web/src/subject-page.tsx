/**
 * The subject page: the whole question is in the URL
 * (/subjects/{id}?category=&at=&asOf= or asOfPosition=), so it can be shared.
 * The verdict, its explanation with citations, the state with bases, the
 * notices; then the two clocks, the replay, and the report downloads.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import { query } from './api.js';
import { Basis, Cited, type SourceMap } from './citations.js';
import { ClocksChart } from './clocks-chart.js';
import { Controls } from './question-controls.js';
import { timeQuery, type Question } from './question.js';
import { useLiveChanges, type LedgerChange } from './live.js';
import { Reports } from './reports.js';
import { ReplayStepper } from './replay-stepper.js';
import { navigate } from './router.js';
import type { CheckAnswer, Clocks, ReplayAnswer, StateAnswer } from './types.js';
import { useAnswer } from './use-answer.js';

const VERDICTS: Record<CheckAnswer['status'], string> = {
  restricted: 'restricted',
  'partially-restricted': 'partially restricted',
  'not-restricted': 'not restricted',
};

function Notices({ answers }: { answers: (Clocks | undefined)[] }) {
  const notices = [...new Set(answers.flatMap((a) => (a?.notice ? [a.notice] : [])))];
  if (!notices.length) return null;
  return (
    <section class="notices" aria-labelledby="notices-title">
      <h2 id="notices-title">Notices</h2>
      <ul>
        {notices.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}

export function SubjectPage({ subjectId, params }: { subjectId: string; params: URLSearchParams }) {
  const question: Question = {
    subjectId,
    category: params.get('category') ?? undefined,
    at: params.get('at') ?? undefined,
    asOf: params.get('asOf') ?? undefined,
    asOfPosition: params.get('asOfPosition') ?? undefined,
  };
  const [version, setVersion] = useState(0);
  const [changes, setChanges] = useState<LedgerChange[]>([]);
  useLiveChanges(
    subjectId,
    useCallback((change: LedgerChange) => {
      setChanges((c) => [change, ...c].slice(0, 5));
      setVersion((v) => v + 1);
    }, []),
  );
  const base = `/v1/subjects/${encodeURIComponent(subjectId)}`;
  const time = timeQuery(question);
  const records = useAnswer<ReplayAnswer>(`${base}/replay?order=record`, version);
  const state = useAnswer<StateAnswer>(`${base}/state${query(time)}`, version);
  const check = useAnswer<CheckAnswer>(
    question.category ? `${base}/check${query({ category: question.category, ...time })}` : null,
    version,
  );
  const steps = records.data?.steps.filter((s) => s.position) ?? [];
  const sources: SourceMap = useMemo(() => {
    const map: SourceMap = new Map();
    for (const step of records.data?.steps ?? [])
      if (step.eventId)
        map.set(step.eventId, { citation: step.citation ?? undefined, sources: step.provenance.sources ?? [] });
    return map;
  }, [records.data]);
  const categories = useMemo(() => {
    const found = new Set<string>();
    for (const r of state.data?.restricted ?? []) [...r.categories, ...r.except].forEach((c) => found.add(c));
    for (const e of state.data?.exemptions ?? []) e.categories.forEach((c) => found.add(c));
    return [...found].sort();
  }, [state.data]);

  const known = check.data?.subjectKnown ?? state.data?.subjectKnown;
  const verdict =
    known === false
      ? 'unknown to the ledger'
      : question.category
        ? check.data && VERDICTS[check.data.status]
        : state.data && (state.data.restricted.length ? 'restricted' : 'not restricted');
  const error = check.error ?? state.error ?? records.error;
  const answeredFor = check.data ?? state.data;

  return (
    <main id="main" class="subject">
      <h1>
        {subjectId}
        {question.category ? <span class="category"> · {question.category}</span> : null}
      </h1>
      <Controls
        key={`${question.category}|${question.at}|${question.asOf}|${question.asOfPosition}|${steps.length}`}
        question={question}
        records={steps}
        categories={categories}
        answered={question.asOf || question.asOfPosition ? (check.data ?? state.data)?.asOfPosition : undefined}
      />
      <div aria-live="polite" class="live">
        {changes.length > 0 && (
          <p>
            New in the ledger: {changes[0]!.type} of {changes[0]!.measureId} at position {changes[0]!.position}
            {changes[0]!.citation ? ` (${changes[0]!.citation})` : ''}; the answers below include it where the
            question's record time does.
          </p>
        )}
      </div>
      {error && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      <section class="verdict" aria-labelledby="verdict-title">
        <h2 id="verdict-title">
          {question.category ? `Is ${question.category} restricted?` : 'Is anything restricted?'}
        </h2>
        <p role="status" class={`status ${verdict?.replace(/ /g, '-') ?? 'loading'}`}>
          {verdict ?? 'asking…'}
        </p>
        {answeredFor && (
          <p class="clocks">
            at {answeredFor.at},{' '}
            {answeredFor.asOf === null
              ? 'before anything was recorded'
              : `as known at ${answeredFor.asOf} (position ${answeredFor.asOfPosition})`}
          </p>
        )}
        {known === false && (
          <p>
            No event recorded by position {answeredFor?.asOfPosition} names {subjectId}: that nothing restricts it here
            is not evidence that it is free.
          </p>
        )}
        {check.data && (
          <ol class="explanation" aria-label="Explanation">
            {check.data.explanation.map((s, i) => (
              <li key={i}>
                {s.sentence}{' '}
                {s.events.length > 0 && (
                  <span class="cites">
                    [
                    {s.events.map((e, j) => (
                      <span key={e.eventId}>
                        {j > 0 && '; '}
                        <Cited eventId={e.eventId} citation={e.citation} position={e.position} sources={sources} />
                      </span>
                    ))}
                    ]
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      <Notices answers={[check.data, state.data, records.data]} />
      {state.data && (
        <section aria-labelledby="state-title">
          <h2 id="state-title">In force at {state.data.at}</h2>
          <h3>Restricted</h3>
          {state.data.restricted.length ? (
            <ul>
              {state.data.restricted.map((r) => (
                <li key={r.measureId}>
                  <a
                    href={`/measures/${r.measureId}`}
                    onClick={(e) => (e.preventDefault(), navigate(`/measures/${r.measureId}${query(time)}`))}
                  >
                    {r.measureId}
                  </a>{' '}
                  “{r.title}”: {r.categories.join(', ')}
                  {r.except.length ? ` except ${r.except.join(', ')}` : ''} <Basis basis={r.basis} sources={sources} />
                </li>
              ))}
            </ul>
          ) : (
            <p>nothing</p>
          )}
          <h3>Exempt</h3>
          {state.data.exemptions.length ? (
            <ul>
              {state.data.exemptions.map((e) => (
                <li key={e.exemptionId}>
                  {e.exemptionId} “{e.title}” of {e.measureId}: {e.categories.join(', ')}, from {e.effectiveFrom}
                  {e.effectiveUntil ? ` until ${e.effectiveUntil}` : ''} <Basis basis={e.basis} sources={sources} />
                </li>
              ))}
            </ul>
          ) : (
            <p>nothing</p>
          )}
          <h3>Pending (announced, no legal effect yet)</h3>
          {state.data.pending.length ? (
            <ul>
              {state.data.pending.map((p) => (
                <li key={`${p.measureId}/${p.announcementId}`}>
                  {p.announcementId ?? 'announcement'} of {p.measureId}, announced {p.announcedAt}: {p.statement}{' '}
                  <Basis basis={p.basis} sources={sources} />
                </li>
              ))}
            </ul>
          ) : (
            <p>nothing</p>
          )}
        </section>
      )}
      <ClocksChart question={question} records={steps} version={version} />
      <ReplayStepper question={question} sources={sources} version={version} />
      <Reports question={question} />
    </main>
  );
}
