export { ColourPanel } from './ColourPanel';
export { ReadinessStatus } from './ReadinessStatus';
