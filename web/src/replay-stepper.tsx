/** Replay as a stepper: one step at a time, in record or valid order, with what changed and the events that caused it. */
import { useEffect, useState } from 'preact/hooks';
import { query } from './api.js';
import { Cited, type SourceMap } from './citations.js';
import type { Question } from './question.js';
import type { CategorySetAnswer, ReplayAnswer } from './types.js';
import { useAnswer } from './use-answer.js';

const setText = (set: CategorySetAnswer) =>
  set.categories.length
    ? set.categories.join(', ') + (set.except.length ? ` except ${set.except.join(', ')}` : '')
    : '';

function Changes({ step }: { step: ReplayAnswer['steps'][number] }) {
  const lines: string[] = [];
  for (const [verb, part] of [
    ['became', step.changes.became],
    ['stopped being', step.changes.stopped],
  ] as const) {
    const restricted = setText(part.restricted);
    const exempt = setText(part.exempt);
    if (restricted) lines.push(`${restricted} ${verb} restricted`);
    if (exempt) lines.push(`${exempt} ${verb} exempt`);
    if (part.pending.length) lines.push(`${part.pending.join(', ')} ${verb} pending`);
  }
  if (!lines.length) return <p>Nothing changed for the subject.</p>;
  return (
    <ul class="diff">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

export function ReplayStepper({
  question,
  sources,
  version,
}: {
  question: Question;
  sources: SourceMap;
  version: number;
}) {
  const [order, setOrder] = useState<'record' | 'valid'>('record');
  const [index, setIndex] = useState(0);
  const replay = useAnswer<ReplayAnswer>(
    `/v1/subjects/${encodeURIComponent(question.subjectId)}/replay${query({ order, ...(order === 'valid' ? { asOf: question.asOfPosition ? undefined : question.asOf, asOfPosition: question.asOfPosition } : {}) })}`,
    version,
  );
  const steps = replay.data?.steps ?? [];
  useEffect(() => setIndex(0), [order, question.asOf, question.asOfPosition]);
  const step = steps[Math.min(index, steps.length - 1)];
  const shownIndex = Math.min(index, steps.length - 1);
  return (
    <section class="replay" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay</h2>
      <div class="stepper-controls">
        <label for="replay-order">Order</label>
        <select id="replay-order" value={order} onChange={(e) => setOrder(e.currentTarget.value as 'record' | 'valid')}>
          <option value="record">record order (as the ledger learned it)</option>
          <option value="valid">valid order (as it came into force)</option>
        </select>
        <button type="button" disabled={shownIndex <= 0} onClick={() => setIndex(shownIndex - 1)}>
          Previous step
        </button>
        <span id="replay-position" aria-live="polite">
          {steps.length ? `Step ${shownIndex + 1} of ${steps.length}` : replay.loading ? 'loading…' : 'no steps'}
        </span>
        <button type="button" disabled={shownIndex >= steps.length - 1} onClick={() => setIndex(shownIndex + 1)}>
          Next step
        </button>
      </div>
      {step && (
        <article class="step" aria-labelledby="replay-position">
          <h3>
            {step.type ?? 'several events together'}
            {step.position ? ` at position ${step.position}` : ''}
            {step.citation ? ` (${step.citation})` : ''}, in force from {step.effectiveAt}
          </h3>
          {step.unchanged && <p>This event changed nothing for the subject.</p>}
          <Changes step={step} />
          {(step.changedIntervals ?? []).some((interval) => interval.from !== step.effectiveAt) && (
            <>
              <h4>What it changed, by valid time</h4>
              {(step.changedIntervals ?? []).map((interval) => (
                <section key={interval.from} class="changed-interval">
                  <p>
                    In force from {interval.from}
                    {interval.until ? ` until ${interval.until}` : ' on'}:
                  </p>
                  <Changes step={{ ...step, changes: interval.changes }} />
                </section>
              ))}
            </>
          )}
          {step.causes.length > 0 && (
            <>
              <h4>Caused by</h4>
              <ul>
                {step.causes.map((c) => (
                  <li key={`${c.eventId}-${c.role}`}>
                    {c.type} of {c.measureId} at position {c.position} ({c.role} something here):{' '}
                    <Cited eventId={c.eventId} citation={c.citation} position={c.position} sources={sources} />
                    {c.provenance.actor ? `, recorded by ${c.provenance.actor}` : ''}
                    {c.provenance.note ? `. ${c.provenance.note}` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
        </article>
      )}
    </section>
  );
}
