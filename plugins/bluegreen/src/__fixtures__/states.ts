/*
 * What the backend answers for the three demo scenarios (test/kube-test-server/scenarios and
 * examples/entities.yaml). states.generated.json is written by
 * `yarn workspace @bluegreen-istio/plugin-bluegreen-backend generate:frontend-fixtures`, and a
 * backend test fails when it is stale: never edit it by hand.
 */
import {
  BlueGreenStateResponse,
  ClusterBlueGreenState,
  ExplainResponse,
} from '@bluegreen-istio/plugin-bluegreen-common';
import generated from './states.generated.json';

/** pii-demo: blue and green over two tiers, colour hosts, round robin on the shared host, HTTP and TCP mesh affinity. */
export const piiDemoState = generated.piiDemoState as BlueGreenStateResponse;

/** myapp: v1 and v2 weighted 50/50 on one host. */
export const myappState = generated.myappState as BlueGreenStateResponse;

/** progressive-app: blue and green weighted 70/30. */
export const progressiveState =
  generated.progressiveState as BlueGreenStateResponse;

/** pii-demo: a request to the shared host through the gateway lands round robin on both colours. */
export const piiDemoRoundRobinExplanation =
  generated.piiDemoRoundRobinExplanation as ExplainResponse;

/** A cluster the backend could not read: the error and nothing else. */
export function unreachableCluster(cluster: string): ClusterBlueGreenState {
  return {
    cluster,
    namespace: null,
    colours: [],
    splits: [],
    activeColour: null,
    routes: [],
    findings: [],
    resourceVersions: {},
    fetchedAt: '2026-11-24T14:15:49.000Z',
    error: {
      message: `cluster '${cluster}' is unreachable (ECONNREFUSED): check its url in kubernetes.clusterLocatorMethods and the network path to it`,
      reason: 'unreachable',
    },
  };
}
