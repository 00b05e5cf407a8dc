export { startTrafficSimulator, HEALTHY } from './simulator';
export type {
  ColourBehaviour,
  KubernetesAccess,
  SimulatedService,
  TrafficSimulator,
  TrafficSimulatorOptions,
} from './simulator';
export { meshTraffic, serviceOfHost } from './mesh';
export type { IstioObject, ServiceTraffic } from './mesh';
export { startPrometheus } from './prometheus';
export type { PrometheusOptions, TestPrometheus } from './prometheus';
