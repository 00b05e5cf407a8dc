export { BlueGreenPage } from './BlueGreenPage';
export { CutoverApprovalsContent } from './CutoverApprovalsContent';
