export { bluegreenPlugin as default } from './plugin';
