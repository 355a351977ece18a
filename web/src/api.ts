/**
 * The API as the app calls it: the key from sessionStorage as a bearer
 * header on every request. A 401 signs out (the key is gone or unknown).
 */
const KEY = 'regledger.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key.trim()),
  signOut: () => sessionStorage.removeItem(KEY),
};

export interface ErrorDetail {
  field: string;
  rule: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function authHeaders(): Record<string, string> {
  const key = session.key();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(path, {
    ...init,
    headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
  });
  if (response.ok) return response;
  let body: { message?: string; details?: ErrorDetail[] } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // not JSON: the status says enough
  }
  if (response.status === 401) onUnauthorized();
  throw new ApiError(response.status, body.message ?? `${response.status} ${response.statusText}`, body.details ?? []);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await apiFetch(path, { signal })).json() as Promise<T>;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
