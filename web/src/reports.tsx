/** The report of the current question, downloaded with the API key (a plain link would go without it, and get a 401). */
import { useState } from 'preact/hooks';
import { apiFetch, query } from './api.js';
import { timeQuery, type Question } from './question.js';

const FORMATS = [
  ['html', 'HTML (printable)'],
  ['md', 'Markdown'],
  ['csv', 'CSV'],
  ['json', 'JSON'],
] as const;

export function Reports({ question }: { question: Question }) {
  const [error, setError] = useState<string>();
  const download = async (format: string) => {
    try {
      const url = `/v1/subjects/${encodeURIComponent(question.subjectId)}/report${query({ format, categories: question.category, ...timeQuery(question) })}`;
      const response = await apiFetch(url);
      const name =
        /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
        `${question.subjectId}-report.${format}`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section class="reports" aria-labelledby="reports-title">
      <h2 id="reports-title">Report of this question</h2>
      <p>
        The verdicts with their explanations, the state, the basis events with sources, the timeline, and the digest
        with inclusion proofs.
      </p>
      <div class="buttons">
        {FORMATS.map(([format, label]) => (
          <button type="button" key={format} onClick={() => void download(format)}>
            Download {label}
          </button>
        ))}
      </div>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
