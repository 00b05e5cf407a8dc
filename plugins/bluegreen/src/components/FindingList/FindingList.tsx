import { StatusOK } from '@backstage/core-components';
import { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

const useStyles = makeStyles(theme => ({
  finding: {
    marginBottom: theme.spacing(1),
  },
  code: {
    fontFamily: 'monospace',
  },
}));

const SEVERITY_ORDER: Record<Finding['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/** Configuration problems, worst first, each with the object to change and how. */
export function FindingList(props: { findings: Finding[] }) {
  const classes = useStyles();
  if (props.findings.length === 0) {
    return <StatusOK>No configuration problems found.</StatusOK>;
  }
  const findings = [...props.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  return (
    <>
      {findings.map((finding, i) => (
        <Alert
          key={`${finding.code}-${i}`}
          severity={finding.severity}
          className={classes.finding}
        >
          <AlertTitle>
            {finding.severity}: {finding.resource.kind}{' '}
            {finding.resource.namespace}/{finding.resource.name}{' '}
            <span className={classes.code}>({finding.code})</span>
          </AlertTitle>
          <Typography variant="body2">{finding.message}</Typography>
          <Typography variant="body2">
            <strong>Fix:</strong> {finding.fix}
          </Typography>
        </Alert>
      ))}
    </>
  );
}
