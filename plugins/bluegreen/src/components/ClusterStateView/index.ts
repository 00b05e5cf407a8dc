export { ClusterStateView } from './ClusterStateView';
