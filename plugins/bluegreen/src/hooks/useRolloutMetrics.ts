import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import { RolloutMetrics } from '@bluegreen-istio/plugin-bluegreen-common';
import { useEffect, useState } from 'react';
import { bluegreenApiRef } from '../api';
import { DEFAULT_REFRESH_INTERVAL_MS } from './useBlueGreenState';

/**
 * A rollout's chart series, read again whenever the rollout moved (`revision` changed) and, while
 * it runs, as often as the tab polls. The last series stay on screen while a read fails.
 */
export function useRolloutMetrics(
  cutoverId: string,
  options: {
    /** Changes when the rollout moved (e.g. its `updatedAt`). */
    revision: string;
    running: boolean;
    refreshIntervalMs?: number;
  },
): { metrics?: RolloutMetrics; error?: ErrorLike } {
  const {
    revision,
    running,
    refreshIntervalMs = DEFAULT_REFRESH_INTERVAL_MS,
  } = options;
  const api = useApi(bluegreenApiRef);
  const [result, setResult] = useState<{
    forId?: string;
    metrics?: RolloutMetrics;
    error?: ErrorLike;
  }>({});

  useEffect(() => {
    let stale = false;
    const load = () =>
      api.getRolloutMetrics(cutoverId).then(
        metrics => !stale && setResult({ forId: cutoverId, metrics }),
        e =>
          !stale &&
          setResult(previous => ({
            forId: cutoverId,
            metrics:
              previous.forId === cutoverId ? previous.metrics : undefined,
            error: toError(e),
          })),
      );
    load();
    const timer = running ? setInterval(load, refreshIntervalMs) : undefined;
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [api, cutoverId, revision, running, refreshIntervalMs]);

  return result.forId === cutoverId
    ? { metrics: result.metrics, error: result.error }
    : {};
}
