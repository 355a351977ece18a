/** Loading an answer: refetched when its URL (or the live version) changes; stale answers are dropped. */
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

export function useAnswer<T>(url: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: url !== null });
  useEffect(() => {
    if (url === null) return setState({ loading: false });
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(url, controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: Error) => {
        if (error.name !== 'AbortError') setState({ error, loading: false });
      },
    );
    return () => controller.abort();
  }, [url, version]);
  return state;
}
