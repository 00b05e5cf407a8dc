export { RoutingExplainer } from './RoutingExplainer';
