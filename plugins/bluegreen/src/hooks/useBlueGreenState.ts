import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import { BlueGreenStateResponse } from '@bluegreen-istio/plugin-bluegreen-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { bluegreenApiRef } from '../api';

/** How often an open tab or card asks for a fresh state. */
export const DEFAULT_REFRESH_INTERVAL_MS = 5_000;

export interface BlueGreenStateResult {
  /** The last state that loaded; kept while a later refresh fails. */
  state?: BlueGreenStateResponse;
  /** The error of the last attempt, cleared by the next success. */
  error?: ErrorLike;
  /** Reads the state again now (a cutover was applied), then goes on polling. */
  refresh: () => void;
}

/**
 * Loads the entity's blue/green state and refreshes it while mounted; neither state nor error
 * means still loading. A refresh replaces the state in place instead of going back to loading,
 * so open forms and scroll positions survive.
 */
export function useBlueGreenState(
  entityRef: string,
  refreshIntervalMs: number = DEFAULT_REFRESH_INTERVAL_MS,
): BlueGreenStateResult {
  const api = useApi(bluegreenApiRef);
  const [result, setResult] = useState<Omit<BlueGreenStateResult, 'refresh'>>(
    {},
  );
  const reload = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    setResult({});

    // The next poll is scheduled after the previous answer, so slow backends never pile up requests.
    const load = async () => {
      inFlight = true;
      try {
        const state = await api.getState({ entityRef });
        if (!stopped) {
          setResult({ state });
        }
      } catch (e) {
        if (!stopped) {
          setResult(previous => ({ state: previous.state, error: toError(e) }));
        }
      }
      inFlight = false;
      if (!stopped) {
        if (again) {
          again = false;
          load();
        } else {
          timer = setTimeout(load, refreshIntervalMs);
        }
      }
    };
    reload.current = () => {
      if (inFlight) {
        again = true;
        return;
      }
      clearTimeout(timer);
      load();
    };
    load();

    return () => {
      stopped = true;
      clearTimeout(timer);
      reload.current = () => {};
    };
  }, [api, entityRef, refreshIntervalMs]);

  const refresh = useCallback(() => reload.current(), []);
  return { ...result, refresh };
}
