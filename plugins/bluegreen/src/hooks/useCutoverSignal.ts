import {
  CUTOVER_SIGNAL_CHANNEL,
  CutoverSignal,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';

/** How often views poll when the signal API is there anyway, in case a signal was missed. */
export const SIGNAL_SAFETY_POLL_MS = 30_000;

/**
 * Calls `onSignal` for every cutover transition the backend announces (of one entity, when
 * `entityRef` is given). Returns whether signals are available at all: when they are not, the
 * caller polls instead.
 */
export function useCutoverSignal(
  onSignal: (signal: CutoverSignal) => void,
  entityRef?: string,
): boolean {
  const { lastSignal, isSignalsAvailable } = useSignal<
    CutoverSignal & { [key: string]: string }
  >(CUTOVER_SIGNAL_CHANNEL);
  const callback = useRef(onSignal);
  callback.current = onSignal;
  useEffect(() => {
    if (lastSignal && (!entityRef || lastSignal.entityRef === entityRef)) {
      callback.current(lastSignal);
    }
  }, [lastSignal, entityRef]);
  return isSignalsAvailable;
}
