export { HostSplitView } from './HostSplitView';
export { SplitBar } from './SplitBar';
