import { PreflightCheck } from '@bluegreen-istio/plugin-bluegreen-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import CheckCircle from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import Warning from '@material-ui/icons/Warning';
import { CHECK_LABELS, CHECK_RESULT_LABELS, LABELS } from './wording';

const ORDER: Record<PreflightCheck['result'], number> = {
  fail: 0,
  warn: 1,
  pass: 2,
};

function ResultIcon(props: { result: PreflightCheck['result'] }) {
  switch (props.result) {
    case 'fail':
      return <ErrorIcon color="error" />;
    case 'warn':
      return <Warning style={{ color: '#ef6c00' }} />;
    default:
      return <CheckCircle style={{ color: '#2e7d32' }} />;
  }
}

/** The pre-flight checks, failures first, each with what was found. */
export function PreflightCheckList(props: { checks: PreflightCheck[] }) {
  const checks = [...props.checks].sort(
    (a, b) => ORDER[a.result] - ORDER[b.result],
  );
  return (
    <List dense aria-label={LABELS.checks} disablePadding>
      {checks.map((check, i) => (
        <ListItem key={`${check.id}-${check.cluster}-${i}`} disableGutters>
          <ListItemIcon>
            <ResultIcon result={check.result} />
          </ListItemIcon>
          <ListItemText
            primary={`${CHECK_LABELS[check.id] ?? check.id}: ${
              CHECK_RESULT_LABELS[check.result]
            }${check.cluster ? ` (cluster ${check.cluster})` : ''}`}
            secondary={check.message}
          />
        </ListItem>
      ))}
    </List>
  );
}
