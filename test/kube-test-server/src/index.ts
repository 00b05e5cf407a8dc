export { startKubeTestServer } from './server';
export type { KubeTestServer, KubeTestServerOptions } from './server';
export type { ControlApi, PodReadinessRequest } from './control';
export type { Fault, RequestMatcher } from './faults';
export { SCENARIOS_DIR, loadScenarios, parseManifests } from './seed';
export {
  DEMO_SCENARIO_NAMES,
  EXAMPLE_ENTITIES_FILE,
  loadDemoScenario,
} from './demoScenarios';
export type { DemoScenario, DemoScenarioName } from './demoScenarios';
export { generateBlueGreenServices } from './generator';
export type { BlueGreenServicesOptions } from './generator';
export type { KubeObject, ObjectMeta } from './types';
export {
  missingKubectlTools,
  runKubectl,
  selfSignedCertificate,
} from './kubectl';
export type { KubectlRun } from './kubectl';
