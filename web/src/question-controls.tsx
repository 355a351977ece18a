/** The question's controls: "Category", "Valid time", "As known at" (a date-time) and a slider over the subject's records. */
import { useState } from 'preact/hooks';
import { questionUrl, type Question } from './question.js';
import { navigate } from './router.js';
import type { ReplayAnswer } from './types.js';

/** The record an answer was given for: the last one at or before its position (-1: before the first). */
function recordIndex(records: ReplayAnswer['steps'], answered: string | undefined): number {
  if (answered === undefined) return records.length - 1;
  let found = -1;
  records.forEach((r, i) => {
    if (r.position && BigInt(r.position) <= BigInt(answered)) found = i;
  });
  return found;
}

export function Controls({
  question,
  records,
  categories,
  answered,
}: {
  question: Question;
  records: ReplayAnswer['steps'];
  categories: string[];
  answered?: string;
}) {
  const [category, setCategory] = useState(question.category ?? '');
  const [at, setAt] = useState(question.at ?? '');
  const [asOf, setAsOf] = useState(question.asOfPosition ? '' : (question.asOf ?? ''));
  const index = recordIndex(records, answered ?? question.asOfPosition);
  const shown = records[index];
  const describe = (r: (typeof records)[number] | undefined, i: number) =>
    r
      ? `record ${i + 1} of ${records.length}: position ${r.position}, recorded ${r.recordedAt}, ${r.type}${r.citation ? ` (${r.citation})` : ' (no citation)'}`
      : 'before the first record: nothing known yet';
  return (
    <form
      class="controls"
      aria-label="The question"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(
          questionUrl({
            subjectId: question.subjectId,
            category: category.trim() || undefined,
            at: at.trim() || undefined,
            asOf: asOf.trim() || undefined,
            asOfPosition: asOf.trim() ? undefined : question.asOfPosition,
          }),
        );
      }}
    >
      <div class="field">
        <label for="category">Category</label>
        <input
          id="category"
          list="categories"
          value={category}
          placeholder="all categories"
          onInput={(e) => setCategory(e.currentTarget.value)}
        />
        <datalist id="categories">
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </div>
      <div class="field">
        <label for="valid-time">Valid time</label>
        <input
          id="valid-time"
          value={at}
          placeholder="now, or 2019-08-20 or 2019-08-20T12:00Z"
          aria-describedby="valid-time-help"
          onInput={(e) => setAt(e.currentTarget.value)}
        />
        <small id="valid-time-help">When the rule is in force</small>
      </div>
      <div class="field">
        <label for="as-of">As known at</label>
        <input
          id="as-of"
          value={asOf}
          placeholder={question.asOfPosition ? `position ${question.asOfPosition}` : 'now'}
          aria-describedby="as-of-help"
          onInput={(e) => setAsOf(e.currentTarget.value)}
        />
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
