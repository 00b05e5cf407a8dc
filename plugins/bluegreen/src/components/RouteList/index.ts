export { RouteList } from './RouteList';
export { ruleLabel } from './describeMatch';
