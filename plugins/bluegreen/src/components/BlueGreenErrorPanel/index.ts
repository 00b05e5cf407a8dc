export { BlueGreenErrorPanel } from './BlueGreenErrorPanel';
export { errorMessage } from './errorMessage';
