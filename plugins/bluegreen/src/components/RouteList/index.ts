export { RouteList } from './RouteList';
