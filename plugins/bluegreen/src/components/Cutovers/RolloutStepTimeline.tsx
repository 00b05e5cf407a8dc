import {
  RolloutEvaluation,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EVALUATION_VERDICT_LABELS,
  GATE_LABELS,
  ROLLOUT_LABELS,
  STEP_VERDICT_LABELS,
  measurementThreshold,
  measurementValue,
  stepOf,
  weightsLabel,
} from './rolloutWording';
import { actorName, relativeTime } from './wording';

const useStyles = makeStyles(theme => ({
  steps: {
    listStyle: 'none',
    padding: 0,
    margin: 0,
    borderLeft: `2px solid ${theme.palette.divider}`,
    '& > li': {
      paddingLeft: theme.spacing(2),
      marginBottom: theme.spacing(2),
    },
  },
  upcoming: {
    color: theme.palette.text.secondary,
  },
  query: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    wordBreak: 'break-all',
    maxWidth: '40em',
  },
  evaluation: {
    marginTop: theme.spacing(1),
    overflowX: 'auto',
  },
  // The query takes the room it needs to wrap; the short columns keep their words whole.
  short: {
    whiteSpace: 'nowrap',
  },
  message: {
    whiteSpace: 'normal',
    minWidth: '12em',
  },
}));

function Time(props: { at: string }) {
  return (
    <time dateTime={props.at} title={new Date(props.at).toLocaleString()}>
      {relativeTime(props.at)}
    </time>
  );
}

function EvaluationTable(props: { evaluation: RolloutEvaluation }) {
  const { evaluation } = props;
  const classes = useStyles();
  const title = `${ROLLOUT_LABELS.evaluation} ${relativeTime(evaluation.at)}`;
  return (
    <div className={classes.evaluation}>
      <Typography variant="body2">
        {ROLLOUT_LABELS.evaluation} <Time at={evaluation.at} />:{' '}
        <strong>{EVALUATION_VERDICT_LABELS[evaluation.verdict]}</strong>
      </Typography>
      <Table size="small" aria-label={title}>
        <TableHead>
          <TableRow>
            <TableCell>{ROLLOUT_LABELS.gate}</TableCell>
            <TableCell>{ROLLOUT_LABELS.service}</TableCell>
            <TableCell>{ROLLOUT_LABELS.query}</TableCell>
            <TableCell>{ROLLOUT_LABELS.value}</TableCell>
            <TableCell>{ROLLOUT_LABELS.threshold}</TableCell>
            <TableCell>{ROLLOUT_LABELS.verdict}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {evaluation.measurements.map(m => (
            <TableRow key={`${m.gate}/${m.service}`}>
              <TableCell className={classes.short}>
                {GATE_LABELS[m.gate]}
              </TableCell>
              <TableCell className={classes.short}>
                {m.service} ({m.version})
              </TableCell>
              <TableCell>
                <code className={classes.query}>{m.query}</code>
              </TableCell>
              <TableCell className={classes.short}>
                {measurementValue(m)}
                {m.message && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="p"
                    className={classes.message}
                  >
                    {m.message}
                  </Typography>
                )}
              </TableCell>
              <TableCell className={classes.short}>
                {measurementThreshold(m)}
              </TableCell>
              <TableCell className={classes.short}>
                {EVALUATION_VERDICT_LABELS[m.result]}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/**
 * Every step of a rollout: the weights it applied, when and by whom, and each time its gates
 * were judged, every gate's query, value, threshold and verdict; then the steps not reached.
 */
export function RolloutStepTimeline(props: {
  rollout: RolloutState;
  /** The rollout is over: the steps not reached never will be. */
  ended: boolean;
}) {
  const { rollout, ended } = props;
  const classes = useStyles();
  const count = rollout.steps.length;
  return (
    <ol className={classes.steps} aria-label={ROLLOUT_LABELS.stepTimeline}>
      {rollout.history.map(step => (
        <li key={step.index} aria-label={stepOf(step.index, count)}>
          <Typography variant="body2">
            <strong>{stepOf(step.index, count)}</strong>:{' '}
            {weightsLabel(step.weights, rollout.colour)}, by{' '}
            {actorName(step.appliedBy)}, <Time at={step.appliedAt} />{' '}
            <Chip size="small" label={STEP_VERDICT_LABELS[step.verdict]} />
          </Typography>
          {step.verified === false && (
            <Typography variant="body2" color="error">
              {ROLLOUT_LABELS.notVerified}
            </Typography>
          )}
          {step.evaluations.map(evaluation => (
            <EvaluationTable key={evaluation.at} evaluation={evaluation} />
          ))}
        </li>
      ))}
      {rollout.steps.slice(rollout.history.length).map((percent, i) => {
        const index = rollout.history.length + i;
        return (
          <li
            key={index}
            aria-label={stepOf(index, count)}
            className={classes.upcoming}
          >
            <Typography variant="body2">
              {stepOf(index, count)}: {rollout.colour} {percent}% —{' '}
              {ended ? ROLLOUT_LABELS.notReached : ROLLOUT_LABELS.notYet}
            </Typography>
          </li>
        );
      })}
    </ol>
  );
}
