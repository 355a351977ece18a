/** "Subject or measure": suggestions from GET /v1/subjects and /v1/measures by id prefix, as a combobox. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, query } from './api.js';
import { navigate } from './router.js';

interface Suggestion {
  kind: 'subject' | 'measure';
  id: string;
  detail: string;
}

export function Search() {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const prefix = text.trim().toLowerCase();
    if (!prefix) return setSuggestions([]);
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const [subjects, measures] = await Promise.all([
          getJson<{ items: { subjectId: string; events: number; measures: { measureId: string }[] }[] }>(
            `/v1/subjects${query({ prefix, limit: '8' })}`,
            controller.signal,
          ),
          getJson<{ items: { measureId: string; title: string | null; subjects: number }[] }>(
            `/v1/measures${query({ prefix, limit: '5' })}`,
            controller.signal,
          ),
        ]);
        setSuggestions([
          ...subjects.items.map((s) => ({
            kind: 'subject' as const,
            id: s.subjectId,
            detail: `subject, ${s.events} events`,
          })),
          ...measures.items.map((m) => ({
            kind: 'measure' as const,
            id: m.measureId,
            detail: `measure${m.title ? `: ${m.title}` : ''}`,
          })),
        ]);
        setActive(-1);
        setOpen(true);
        setError(undefined);
      } catch (e) {
        if ((e as Error).name !== 'AbortError') setError((e as Error).message);
      }
    }, 120);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const choose = (s: Suggestion) => {
    setOpen(false);
    setText('');
    navigate(`/${s.kind === 'subject' ? 'subjects' : 'measures'}/${encodeURIComponent(s.id)}`);
  };

  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const chosen =
          suggestions[active] ?? suggestions.find((s) => s.id === text.trim().toLowerCase()) ?? suggestions[0];
        if (chosen) choose(chosen);
      }}
    >
      <label for="find">Subject or measure</label>
      <input
        id="find"
        ref={input}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open && suggestions.length > 0}
        aria-controls="find-suggestions"
        aria-activedescendant={active >= 0 ? `suggestion-${active}` : undefined}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, suggestions.length - 1));
          else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, -1));
          else if (e.key === 'Escape') setOpen(false);
          else return;
          setOpen(true);
          e.preventDefault();
        }}
      />
      <button type="submit">Open</button>
      {error && <span role="alert">{error}</span>}
      <ul id="find-suggestions" role="listbox" aria-label="Suggestions" hidden={!open || suggestions.length === 0}>
        {suggestions.map((s, i) => (
          <li
            id={`suggestion-${i}`}
            role="option"
            aria-selected={i === active}
            key={`${s.kind}:${s.id}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(s)}
          >
            <span class="id">{s.id}</span> <span class="detail">{s.detail}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
