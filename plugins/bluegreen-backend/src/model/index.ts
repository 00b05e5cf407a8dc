/*
 * The pure blue/green model: Istio and Kubernetes objects in, state, findings and request
 * explanations out. No I/O.
 */
export type {
  ClusterObjects,
  DestinationRule,
  Gateway,
  VirtualService,
} from './istio';
export { selectForHosts } from './select';
export { analysisOf, computeClusterState, objectsDecidingState } from './state';
export type { ClusterStateInput, ComputedClusterState } from './state';
export { explainRequest } from './explain';
export type { ComputedExplanation, ExplainQuery } from './explain';
