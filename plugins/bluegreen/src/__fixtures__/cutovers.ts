/*
 * Cutover answers for myapp (v1/v2 weighted 50/50 on myapp.example.com), in the shapes of
 * @bluegreen-istio/plugin-bluegreen-common's cutover API.
 */
import {
  Cutover,
  CutoverEvent,
  CutoverPlan,
  CutoverPreview,
  RolloutEvaluation,
  RolloutMetricName,
  RolloutMetricSeries,
  RolloutMetrics,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';

export const MYAPP = 'component:default/myapp';
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';

export const myappSwitchDiff = `--- VirtualService myapp/myapp
+++ VirtualService myapp/myapp
@@ -14,9 +14,9 @@
     route:
     - destination:
         host: myapp
         subset: v1
-      weight: 50
+      weight: 0
     - destination:
         host: myapp
         subset: v2
-      weight: 50
+      weight: 100
`;

export const myappSwitchPlan: CutoverPlan = {
  clusters: ['demo'],
  changes: [
    {
      cluster: 'demo',
      object: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        namespace: 'myapp',
        name: 'myapp',
      },
      resourceVersion: '1001',
      patch: [
        { op: 'test', path: '/metadata/resourceVersion', value: '1001' },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
      ],
      revertPatch: [],
      diff: myappSwitchDiff,
      paths: ['spec.http[0].route'],
    },
  ],
  splits: [
    {
      cluster: 'demo',
      host: 'myapp.example.com',
      virtualService: 'myapp/myapp',
      protocol: 'http',
      ruleIndex: 0,
      ruleLabel: 'HTTP rule 1',
      viaGateways: ['myapp-gateway'],
      before: [
        { colour: 'v1', percent: 50 },
        { colour: 'v2', percent: 50 },
      ],
      after: [
        { colour: 'v1', percent: 0 },
        { colour: 'v2', percent: 100 },
      ],
    },
  ],
  checks: [
    {
      id: 'colours-exist',
      result: 'pass',
      message: 'v2 is a subset of every tier',
    },
    { id: 'ready-pods', result: 'pass', message: 'v2 has 2 ready pods' },
    {
      id: 'dry-run',
      result: 'pass',
      message: 'The Kubernetes API accepts every patch',
    },
  ],
  resourceVersions: { 'demo/VirtualService/myapp/myapp': '1001' },
};

export const myappSwitchPreview: CutoverPreview = {
  entityRef: MYAPP,
  action: { action: 'switch', colour: 'v2' },
  plan: myappSwitchPlan,
  approvalsRequired: 1,
  canRequest: true,
  needsAcknowledgement: false,
};

/** A myapp cutover to v2, requested by alice; override what a test needs. */
export function myappCutover(change: Partial<Cutover> = {}): Cutover {
  return {
    id: 'c-1',
    entityRef: MYAPP,
    action: { action: 'switch', colour: 'v2' },
    status: 'requested',
    reason: 'release v2 (JIRA-42)',
    requestedBy: ALICE,
    createdAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    updatedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    approvalsRequired: 1,
    approvals: [],
    plan: myappSwitchPlan,
    ...change,
  };
}

export function cutoverEvent(
  change: Partial<CutoverEvent> & Pick<CutoverEvent, 'id' | 'type'>,
): CutoverEvent {
  return {
    cutoverId: 'c-1',
    entityRef: MYAPP,
    actor: ALICE,
    at: new Date(Date.now() - 60_000).toISOString(),
    status: change.type === 'requested' ? 'requested' : 'applied',
    ...change,
  } as CutoverEvent;
}

const selector = (version: string) =>
  `{reporter="destination",destination_service_namespace="myapp",destination_service_name="myapp",destination_version="${version}"}`;

/** The gates of one evaluation of v2 at step 1: every gate passed. */
export function myappPassedEvaluation(at: string): RolloutEvaluation {
  return {
    at,
    verdict: 'pass',
    measurements: [
      {
        gate: 'request-count',
        service: 'demo/myapp/myapp',
        version: 'v2',
        query: `sum(increase(istio_requests_total${selector(
          'v2',
        )}[120s])) or on() vector(0)`,
        value: 1234,
        threshold: 20,
        result: 'pass',
      },
      {
        gate: 'success-rate',
        service: 'demo/myapp/myapp',
        version: 'v2',
        query: `sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="myapp",destination_service_name="myapp",destination_version="v2",response_code!~"5.."}[120s])) / sum(rate(istio_requests_total${selector(
          'v2',
        )}[120s])) * 100`,
        value: 99.52,
        threshold: 99,
        result: 'pass',
      },
      {
        gate: 'latency-p99',
        service: 'demo/myapp/myapp',
        version: 'v2',
        query: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket${selector(
          'v2',
        )}[120s])))`,
        value: 182.4,
        threshold: 500,
        result: 'pass',
      },
    ],
  };
}

/** A myapp rollout to v2 at its second step (v2 30%), requested by alice, approved by bob. */
export function myappRollout(
  change: Partial<Cutover> = {},
  rollout: Partial<RolloutState> = {},
): Cutover & { rollout: RolloutState } {
  const minutesAgo = (m: number) =>
    new Date(Date.now() - m * 60_000).toISOString();
  return {
    ...myappCutover({
      id: 'r-1',
      action: { action: 'progressive', colour: 'v2' },
      status: 'progressing',
      approvals: [{ by: BOB, at: minutesAgo(4) }],
    }),
    ...change,
    rollout: {
      colour: 'v2',
      from: 'v1',
      steps: [10, 30, 50, 100],
      intervalSeconds: 120,
      mode: 'auto',
      gates: {
        minSuccessRatePercent: 99,
        maxLatencyP99Ms: 500,
        minRequests: 20,
        noDataIntervals: 2,
      },
      current: 1,
      paused: false,
      nextEvaluationAt: new Date(Date.now() + 60_000).toISOString(),
      noDataCount: 0,
      history: [
        {
          index: 0,
          weights: { v2: 10, v1: 90 },
          appliedAt: minutesAgo(4),
          appliedBy: BOB,
          evaluations: [myappPassedEvaluation(minutesAgo(2))],
          verdict: 'passed',
        },
        {
          index: 1,
          weights: { v2: 30, v1: 70 },
          appliedAt: minutesAgo(2),
          appliedBy: 'plugin:bluegreen',
          evaluations: [],
          verdict: 'watching',
        },
      ],
      targets: [
        {
          cluster: 'demo',
          namespace: 'myapp',
          service: 'myapp',
          version: 'v2',
        },
      ],
      ...rollout,
    },
  };
}

/** The chart series of a rollout: v1 falling from 90 to 70 requests/s, v2 rising from 10 to 30. */
export function myappRolloutMetrics(rollout: Cutover): RolloutMetrics {
  const start = Date.parse(rollout.rollout!.history[0].appliedAt);
  const times = [0, 1, 2, 3].map(i => start + i * 60_000);
  const series = (
    metric: RolloutMetricName,
    colour: string,
    values: Array<number | null>,
  ): RolloutMetricSeries => ({
    metric,
    colour,
    service: 'demo/myapp/myapp',
    version: colour,
    query: `${metric} of ${colour}: sum(rate(istio_requests_total${selector(
      colour,
    )}[120s]))`,
    points: times.map((time, i) => ({ time, value: values[i] })),
  });
  return {
    cutoverId: rollout.id,
    start: new Date(start).toISOString(),
    end: new Date(times[3]).toISOString(),
    stepSeconds: 60,
    windowSeconds: 120,
    series: [
      series('request-rate', 'v1', [90, 90, 70, 70]),
      series('error-rate', 'v1', [0, 0, 0, 0]),
      series('latency-p99', 'v1', [150, 150, 150, 150]),
      series('request-rate', 'v2', [10, 10, 30, 30]),
      series('error-rate', 'v2', [0, 0.5, 0, null]),
      series('latency-p99', 'v2', [180, 182, 182, null]),
    ],
  };
}
