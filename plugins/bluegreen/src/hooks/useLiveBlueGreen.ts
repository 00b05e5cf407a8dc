import { useEffect } from 'react';
import { useBlueGreenState } from './useBlueGreenState';
import { useEntityCutovers } from './useEntityCutovers';

/**
 * The entity's state and cutovers together: when a cutover moves (applied, failed, …), the state
 * is read again at once, so the split bars follow without waiting for the next poll.
 */
export function useLiveBlueGreen(
  entityRef: string,
  refreshIntervalMs?: number,
) {
  const { state, error, refresh } = useBlueGreenState(
    entityRef,
    refreshIntervalMs,
  );
  const cutovers = useEntityCutovers(entityRef, refreshIntervalMs);
  useEffect(() => {
    if (cutovers.version > 0) {
      refresh();
    }
  }, [cutovers.version, refresh]);
  return { state, error, cutovers };
}
