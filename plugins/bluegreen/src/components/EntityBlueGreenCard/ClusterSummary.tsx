import { ClusterBlueGreenState } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { ColourReadiness } from './ColourReadiness';
import { SplitBar } from '../TrafficSplit';

const useStyles = makeStyles(theme => ({
  split: {
    marginBottom: theme.spacing(1.5),
  },
  host: {
    fontFamily: 'monospace',
  },
}));

/** One cluster in a few lines: each shared host's split, then each colour's readiness. */
export function ClusterSummary(props: {
  state: ClusterBlueGreenState;
  showClusterName: boolean;
}) {
  const { state, showClusterName } = props;
  const classes = useStyles();
  return (
    <div>
      {showClusterName && (
        <Typography variant="subtitle1" component="h3">
          Cluster {state.cluster}
        </Typography>
      )}
      {state.error ? (
        <Alert severity="error">{state.error.message}</Alert>
      ) : (
        <>
          {state.splits.map(split => (
            <div key={split.host} className={classes.split}>
              <Typography variant="body2" className={classes.host}>
                {split.host}
                {split.mode === 'round-robin' ? ' (round robin)' : ''}
              </Typography>
              <SplitBar split={split} />
            </div>
          ))}
          <ColourReadiness
            colours={state.colours}
            activeColour={state.activeColour}
          />
        </>
      )}
    </div>
  );
}
