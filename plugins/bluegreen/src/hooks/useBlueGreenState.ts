import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import { BlueGreenStateResponse } from '@internal/plugin-bluegreen-common';
import { useEffect, useState } from 'react';
import { bluegreenApiRef } from '../api';

/** How often an open tab or card asks for a fresh state. */
export const DEFAULT_REFRESH_INTERVAL_MS = 5_000;

export interface BlueGreenStateResult {
  /** The last state that loaded; kept while a later refresh fails. */
  state?: BlueGreenStateResponse;
  /** The error of the last attempt, cleared by the next success. */
  error?: ErrorLike;
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
  const [result, setResult] = useState<BlueGreenStateResult>({});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setResult({});

    // The next poll is scheduled after the previous answer, so slow backends never pile up requests.
    const load = async () => {
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
      if (!stopped) {
        timer = setTimeout(load, refreshIntervalMs);
      }
    };
    load();

    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, entityRef, refreshIntervalMs]);

  return result;
}
