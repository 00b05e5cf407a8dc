import { ClusterBlueGreenState } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ColourChip } from '../colours';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
}));

/** Which colour serves users now, or that traffic is split. */
export function ActiveColourSummary(props: { state: ClusterBlueGreenState }) {
  const { activeColour, splits } = props.state;
  const classes = useStyles();
  if (activeColour) {
    return (
      <div className={classes.root}>
        <Typography variant="body1" component="span">
          Active colour:
        </Typography>
        <ColourChip colour={activeColour} size="medium" />
      </div>
    );
  }
  return (
    <Typography variant="body1">
      {splits.length > 0
        ? 'No active colour: traffic is split between colours.'
        : 'No active colour: no shared host splits traffic.'}
    </Typography>
  );
}
