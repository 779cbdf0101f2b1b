import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, HandlerArgs, HandlerName, HandlerResult } from '../../electron/api';

/** A failed call, carrying the contract's error shape. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

/** Calls one handler; resolves to its value or throws ApiFailure. */
export async function call<K extends HandlerName>(name: K, args: HandlerArgs<K>): Promise<HandlerResult<K>> {
  const api = window.ledgerdesk;
  if (!api) throw new ApiFailure({ code: 'internal', message: 'window.ledgerdesk is missing: the app was opened outside its shell' });
  const invoke = api[name] as (args: HandlerArgs<K>) => Promise<{ ok: true; value: HandlerResult<K> } | { ok: false; error: ApiError }>;
  const result = await invoke(args);
  if (!result.ok) throw new ApiFailure(result.error);
  return result.value;
}

export function errorOf(error: unknown): ApiError {
  if (error instanceof ApiFailure) return error.error;
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export interface Query<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Loads a handler's result; `args === null` means "not yet" (e.g. a search with no text). */
export function useQuery<K extends HandlerName>(name: K, args: HandlerArgs<K> | null): Query<HandlerResult<K>> {
  const [data, setData] = useState<HandlerResult<K> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = args === null ? null : JSON.stringify(args);
  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setLoading(true);
    call(name, JSON.parse(key) as HandlerArgs<K>)
      .then((value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (ticket !== latest.current) return;
        setError(errorOf(failure));
        setData(null);
      })
      .finally(() => {
        if (ticket === latest.current) setLoading(false);
      });
  }, [name, key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
