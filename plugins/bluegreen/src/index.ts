/**
 * The blue/green frontend plugin: the Blue/Green entity tab and overview card.
 *
 * @packageDocumentation
 */

export {
  BlueGreenPage,
  bluegreenPlugin,
  EntityBlueGreenCard,
  EntityBlueGreenContent,
} from './plugin';
export { isBlueGreenAvailable } from './isBlueGreenAvailable';
export { BlueGreenClient, bluegreenApiRef } from './api';
export type {
  BlueGreenApi,
  CutoverHistoryQuery,
  ListCutoversQuery,
} from './api';
export type { EntityBlueGreenContentProps } from './components/EntityBlueGreenContent';
