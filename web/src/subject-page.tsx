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
import { useLiveChanges, type LedgerChange } from './live.js';
import { Reports } from './reports.js';
import { ReplayStepper } from './replay-stepper.js';
import { navigate } from './router.js';
import type { CheckAnswer, Clocks, ReplayAnswer, StateAnswer } from './types.js';
import { useAnswer } from './use-answer.js';

export interface Question {
  subjectId: string;
  category?: string;
  at?: string;
  asOf?: string;
  asOfPosition?: string;
}

export const questionUrl = (q: Question) =>
  `/subjects/${encodeURIComponent(q.subjectId)}${query({ category: q.category, at: q.at, asOf: q.asOfPosition ? undefined : q.asOf, asOfPosition: q.asOfPosition })}`;

export const timeQuery = (q: Question) => ({ at: q.at, asOf: q.asOfPosition ? undefined : q.asOf, asOfPosition: q.asOfPosition });

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

/** The record an answer was given for: the last one at or before its position (-1: before the first). */
function recordIndex(records: ReplayAnswer['steps'], answered: string | undefined): number {
  if (answered === undefined) return records.length - 1;
  let found = -1;
  records.forEach((r, i) => {
    if (r.position && BigInt(r.position) <= BigInt(answered)) found = i;
  });
  return found;
}

function Controls({ question, records, categories, answered }: { question: Question; records: ReplayAnswer['steps']; categories: string[]; answered?: string }) {
  const [category, setCategory] = useState(question.category ?? '');
  const [at, setAt] = useState(question.at ?? '');
  const [asOf, setAsOf] = useState(question.asOfPosition ? '' : (question.asOf ?? ''));
  const index = recordIndex(records, answered ?? question.asOfPosition);
  const shown = records[index];
  const describe = (r: (typeof records)[number] | undefined, i: number) =>
    r ? `record ${i + 1} of ${records.length}: position ${r.position}, recorded ${r.recordedAt}, ${r.type}${r.citation ? ` (${r.citation})` : ' (no citation)'}` : 'before the first record: nothing known yet';
  return (
    <form
      class="controls"
      aria-label="The question"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(questionUrl({ subjectId: question.subjectId, category: category.trim() || undefined, at: at.trim() || undefined, asOf: asOf.trim() || undefined, asOfPosition: asOf.trim() ? undefined : question.asOfPosition }));
      }}
    >
      <div class="field">
        <label for="category">Category</label>
        <input id="category" list="categories" value={category} placeholder="all categories" onInput={(e) => setCategory(e.currentTarget.value)} />
        <datalist id="categories">
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </div>
      <div class="field">
        <label for="valid-time">Valid time</label>
        <input id="valid-time" value={at} placeholder="now, or 2019-08-20 or 2019-08-20T12:00Z" aria-describedby="valid-time-help" onInput={(e) => setAt(e.currentTarget.value)} />
        <small id="valid-time-help">When the rule is in force</small>
      </div>
      <div class="field">
        <label for="as-of">As known at</label>
        <input id="as-of" value={asOf} placeholder={question.asOfPosition ? `position ${question.asOfPosition}` : 'now'} aria-describedby="as-of-help" onInput={(e) => setAsOf(e.currentTarget.value)} />
        <small id="as-of-help">A record time (date-time); or pick a record below</small>
      </div>
      <button type="submit">Ask</button>
      {records.length > 0 && (
        <div class="field records">
          <label for="as-of-record">As known at record</label>
          <input
            id="as-of-record"
            type="range"
            min={0}
            max={records.length}
            step={1}
            value={index + 1}
            aria-valuetext={describe(shown, index)}
            onInput={(e) => {
              const chosen = Number(e.currentTarget.value);
              // 0: before the first record, which the ledger answers as "nothing known" and says so.
              const position = chosen === 0 ? '0' : records[chosen - 1]?.position;
              if (position) {
                setAsOf('');
                navigate(questionUrl({ ...question, asOf: undefined, asOfPosition: position }), { replace: true });
              }
            }}
          />
          <span id="record-shown" class="record-shown">
            {describe(shown, index)}
          </span>
        </div>
      )}
    </form>
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
  const check = useAnswer<CheckAnswer>(question.category ? `${base}/check${query({ category: question.category, ...time })}` : null, version);
  const steps = records.data?.steps.filter((s) => s.position) ?? [];
  const sources: SourceMap = useMemo(() => {
    const map: SourceMap = new Map();
    for (const step of records.data?.steps ?? []) if (step.eventId) map.set(step.eventId, { citation: step.citation ?? undefined, sources: step.provenance.sources ?? [] });
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
            {changes[0]!.citation ? ` (${changes[0]!.citation})` : ''}; the answers below include it where the question's record time does.
          </p>
        )}
      </div>
      {error && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      <section class="verdict" aria-labelledby="verdict-title">
        <h2 id="verdict-title">{question.category ? `Is ${question.category} restricted?` : 'Is anything restricted?'}</h2>
        <p role="status" class={`status ${verdict?.replace(/ /g, '-') ?? 'loading'}`}>
          {verdict ?? 'asking…'}
        </p>
        {answeredFor && (
          <p class="clocks">
            at {answeredFor.at}, as known at {answeredFor.asOf} (position {answeredFor.asOfPosition})
          </p>
        )}
        {known === false && <p>No event recorded by position {answeredFor?.asOfPosition} names {subjectId}: that nothing restricts it here is not evidence that it is free.</p>}
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
                  <a href={`/measures/${r.measureId}`} onClick={(e) => (e.preventDefault(), navigate(`/measures/${r.measureId}${query(time)}`))}>
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
                  {p.announcementId ?? 'announcement'} of {p.measureId}, announced {p.announcedAt}: {p.statement} <Basis basis={p.basis} sources={sources} />
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
