import { ErrorLike, toError } from '@backstage/errors';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface SingleFlight<TArgs extends unknown[], TResult> {
  /** Starts the call, unless one is already in flight (a double click sends once). */
  run: (...args: TArgs) => Promise<TResult | undefined>;
  busy: boolean;
  error?: ErrorLike;
  clearError: () => void;
}

/** Wraps a call for a button: one at a time, with its progress and its error. */
export function useSingleFlight<TArgs extends unknown[], TResult>(
  call: (...args: TArgs) => Promise<TResult>,
): SingleFlight<TArgs, TResult> {
  const inFlight = useRef(false);
  const mounted = useRef(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorLike>();
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (...args: TArgs) => {
      if (inFlight.current) {
        return undefined;
      }
      inFlight.current = true;
      setBusy(true);
      setError(undefined);
      try {
        return await call(...args);
      } catch (e) {
        if (mounted.current) {
          setError(toError(e));
        }
        return undefined;
      } finally {
        inFlight.current = false;
        if (mounted.current) {
          setBusy(false);
        }
      }
    },
    [call],
  );
  const clearError = useCallback(() => setError(undefined), []);
  return { run, busy, error, clearError };
}
