/*
 * The frontend's test fixtures are what this backend answers for the demo scenarios, so the
 * frontend's tests see the API as it is, not as it was once saved by hand.
 */
import { resolve } from 'node:path';
import type {
  BlueGreenStateResponse,
  ExplainResponse,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { computeClusterState, explainRequest } from '../model';
import { ScenarioName, loadScenario } from '../model/__testUtils__/scenarios';

/** The file the frontend's tests read the fixtures from. */
// Run from source only (tests and the generator script), so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
export const FRONTEND_FIXTURES_FILE = resolve(
  __dirname,
  '../../../bluegreen/src/__fixtures__/states.generated.json',
);

export const REGENERATE_COMMAND =
  'yarn workspace @bluegreen-istio/plugin-bluegreen-backend generate:frontend-fixtures';

/** The cluster app-config.yaml names the demo's Kubernetes API test server. */
const DEMO_CLUSTER = 'demo';
/** A fixed time, so that regenerating unchanged scenarios changes nothing. */
const FETCHED_AT = '2026-01-01T00:00:00.000Z';

export interface FrontendFixtures {
  piiDemoState: BlueGreenStateResponse;
  myappState: BlueGreenStateResponse;
  progressiveState: BlueGreenStateResponse;
  /** A request to pii-demo's shared host through its gateway: round robin over both colours. */
  piiDemoRoundRobinExplanation: ExplainResponse;
}

/** The state endpoint's answer for the entity showing the scenario, as the service composes it. */
function stateOf(name: ScenarioName): BlueGreenStateResponse {
  const scenario = loadScenario(name);
  return {
    entityRef: scenario.entityRef,
    clusters: [
      {
        cluster: DEMO_CLUSTER,
        fetchedAt: FETCHED_AT,
        ...computeClusterState(scenario),
      },
    ],
  };
}

export function frontendFixtures(): FrontendFixtures {
  const pii = loadScenario('pii-demo');
  return {
    piiDemoState: stateOf('pii-demo'),
    myappState: stateOf('myapp'),
    progressiveState: stateOf('progressive'),
    piiDemoRoundRobinExplanation: {
      entityRef: pii.entityRef,
      clusters: [
        {
          cluster: DEMO_CLUSTER,
          ...explainRequest(
            { host: 'pii-demo.apps.hl.test' },
            pii.objects,
            pii.namespace,
          ),
        },
      ],
    },
  };
}

/** The file's text: JSON, as the API sends it. */
export function frontendFixturesText(): string {
  return `${JSON.stringify(frontendFixtures(), null, 2)}\n`;
}
