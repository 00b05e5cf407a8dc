export { EntityBlueGreenContent } from './EntityBlueGreenContent';
export type { EntityBlueGreenContentProps } from './EntityBlueGreenContent';
