/**
 * Loading an answer: refetched when its URL (or the live version) changes.
 * An answer to another question is never shown while the new one loads (a
 * stale verdict would be a wrong one); a live refetch of the same question
 * keeps the old answer until the new one arrives.
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

export function useAnswer<T>(url: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T> & { url: string | null }>({ url, loading: url !== null });
  useEffect(() => {
    if (url === null) return setState({ url, loading: false });
    const controller = new AbortController();
    setState((s) => (s.url === url ? { ...s, loading: true } : { url, loading: true }));
    getJson<T>(url, controller.signal).then(
      (data) => setState({ url, data, loading: false }),
      (error: Error) => {
        if (error.name !== 'AbortError') setState({ url, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [url, version]);
  return state.url === url ? state : { loading: true };
}
