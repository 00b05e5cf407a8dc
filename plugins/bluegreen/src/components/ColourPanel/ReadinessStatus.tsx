import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';

/** Ready out of desired pods, with a status icon so a half-ready colour stands out. */
export function ReadinessStatus(props: { ready: number; total: number }) {
  const { ready, total } = props;
  const text = `${ready}/${total} ready`;
  if (total === 0) {
    return <StatusAborted>no pods</StatusAborted>;
  }
  if (ready === total) {
    return <StatusOK>{text}</StatusOK>;
  }
  if (ready === 0) {
    return <StatusError>{text}</StatusError>;
  }
  return <StatusWarning>{text}</StatusWarning>;
}
