import { CutoverSignal } from '@bluegreen-istio/plugin-bluegreen-common';
import { SignalApi } from '@backstage/plugin-signals-react';
import { BlueGreenApi } from '../api';

/** The given API methods, and "no cutover yet" for the cutover methods a test leaves out. */
export function apiWithDefaults(api: Partial<BlueGreenApi>): BlueGreenApi {
  return {
    getState: jest.fn().mockRejectedValue(new Error('getState not mocked')),
    explain: jest.fn().mockRejectedValue(new Error('explain not mocked')),
    previewCutover: jest
      .fn()
      .mockRejectedValue(new Error('previewCutover not mocked')),
    requestCutover: jest
      .fn()
      .mockRejectedValue(new Error('requestCutover not mocked')),
    listCutovers: jest.fn().mockResolvedValue({ items: [] }),
    getCutover: jest.fn().mockRejectedValue(new Error('getCutover not mocked')),
    approveCutover: jest
      .fn()
      .mockRejectedValue(new Error('approveCutover not mocked')),
    rejectCutover: jest
      .fn()
      .mockRejectedValue(new Error('rejectCutover not mocked')),
    cancelCutover: jest
      .fn()
      .mockRejectedValue(new Error('cancelCutover not mocked')),
    promoteRollout: jest
      .fn()
      .mockRejectedValue(new Error('promoteRollout not mocked')),
    pauseRollout: jest
      .fn()
      .mockRejectedValue(new Error('pauseRollout not mocked')),
    resumeRollout: jest
      .fn()
      .mockRejectedValue(new Error('resumeRollout not mocked')),
    abortRollout: jest
      .fn()
      .mockRejectedValue(new Error('abortRollout not mocked')),
    getRolloutMetrics: jest
      .fn()
      .mockRejectedValue(new Error('getRolloutMetrics not mocked')),
    getCutoverHistory: jest
      .fn()
      .mockImplementation(async ({ entityRef }) => ({ entityRef, events: [] })),
    ...api,
  };
}

/** A signal API the test publishes on. */
export function fakeSignals(): SignalApi & {
  publish: (message: CutoverSignal) => void;
} {
  const subscribers = new Map<string, Set<(message: any) => void>>();
  return {
    subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      set.add(onMessage as (message: any) => void);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as any) };
    },
    publish(message) {
      for (const onMessage of subscribers.get('bluegreen:cutovers') ?? []) {
        onMessage(message);
      }
    },
  };
}

/** A `ResponseError`-shaped failure as the backend sends it. */
export async function backendError(
  status: number,
  name: string,
  message: string,
) {
  const { ResponseError } = await import('@backstage/errors');
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: name,
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}
