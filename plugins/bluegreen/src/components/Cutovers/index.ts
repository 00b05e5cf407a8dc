export { CutoverControls } from './CutoverControls';
export { CutoverHistoryTimeline } from './CutoverHistoryTimeline';
export { DecisionDialog } from './DecisionDialog';
export type { Decision } from './DecisionDialog';
export { ApiErrorAlert } from './ApiErrorAlert';
export * as wording from './wording';
