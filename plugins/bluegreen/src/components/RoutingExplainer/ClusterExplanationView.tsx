import { ClusterExplanation } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { ColourChip } from '../colours';

const useStyles = makeStyles(theme => ({
  block: {
    marginTop: theme.spacing(1.5),
  },
  list: {
    margin: theme.spacing(0.5, 0),
    paddingLeft: theme.spacing(3),
  },
  destination: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
  code: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
}));

/** How one cluster routes the request: the rule that decides, the ones passed over, where it lands. */
export function ClusterExplanationView(props: {
  explanation: ClusterExplanation;
}) {
  const { explanation } = props;
  const classes = useStyles();
  if (explanation.error) {
    return <Alert severity="error">{explanation.error.message}</Alert>;
  }
  const matched = explanation.matchedRule;
  return (
    <div>
      {matched ? (
        <Typography variant="body1">
          <strong>
            Matched {matched.label} of {explanation.virtualService}
          </strong>
        </Typography>
      ) : (
        <Typography variant="body1">
          <strong>No rule matched</strong>
          {explanation.virtualService
            ? ` in ${explanation.virtualService}`
            : ''}
          .
        </Typography>
      )}
      {matched && (
        <Typography variant="body2">Why: {matched.reason}</Typography>
      )}
      {explanation.message && (
        <Typography variant="body2">{explanation.message}</Typography>
      )}
      {explanation.skipped.length > 0 && (
        <div className={classes.block}>
          <Typography variant="subtitle2" component="h4">
            {matched ? 'Earlier rules skipped' : 'Rules tried'}
          </Typography>
          <ul className={classes.list}>
            {explanation.skipped.map(skip => (
              <li key={skip.label}>
                <Typography variant="body2">
                  {skip.label}: {skip.reason}
                </Typography>
              </li>
            ))}
          </ul>
        </div>
      )}
      {explanation.destinations.length > 0 && (
        <div className={classes.block}>
          <Typography variant="subtitle2" component="h4">
            Lands on
          </Typography>
          {explanation.destinations.map((destination, i) => (
            <div key={i} className={classes.destination}>
              <ColourChip colour={destination.colour} />
              <Typography variant="body2" component="span">
                <strong>{destination.percent}%</strong> · {destination.target}
              </Typography>
              <Typography
                variant="body2"
                component="span"
                color="textSecondary"
                className={classes.code}
              >
                {destination.pods.length
                  ? `pods ${destination.pods.join(', ')}`
                  : 'no ready pod: the request fails with 503'}
              </Typography>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
