export { bluegreenApiRef } from './BlueGreenApi';
export type {
  BlueGreenApi,
  CutoverHistoryQuery,
  ListCutoversQuery,
} from './BlueGreenApi';
export { BlueGreenClient } from './BlueGreenClient';
