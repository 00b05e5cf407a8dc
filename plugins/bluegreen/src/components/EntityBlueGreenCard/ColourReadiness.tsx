import { Colour } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReadinessStatus } from '../ColourPanel';
import { ColourChip } from '../colours';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    padding: 0,
    margin: 0,
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
}));

/** Each colour with its ready pods over all tiers, the active one marked. */
export function ColourReadiness(props: {
  colours: Colour[];
  activeColour: string | null;
}) {
  const { colours, activeColour } = props;
  const classes = useStyles();
  if (colours.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No colours found: no DestinationRule subsets serve these hosts.
      </Typography>
    );
  }
  return (
    <ul className={classes.list}>
      {colours.map(colour => (
        <li key={colour.name} className={classes.item}>
          <ColourChip colour={colour.name} />
          <ReadinessStatus ready={colour.readyPods} total={colour.totalPods} />
          {colour.name === activeColour && (
            <Typography variant="body2" component="span">
              <strong>active</strong>
            </Typography>
          )}
        </li>
      ))}
    </ul>
  );
}
