import { Colour, HostSplit } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ColourChip } from '../colours';
import { SplitBar } from './SplitBar';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(2),
  },
  host: {
    fontFamily: 'monospace',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  legend: {
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0, 0),
  },
  legendItem: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
}));

function modeSummary(split: HostSplit): string {
  if (split.mode === 'weighted') {
    return 'Weighted split';
  }
  if (split.mode === 'round-robin') {
    return `Round robin: the route names no subset, so each colour gets its share of the ready pods of ${split.destinations[0]?.service}`;
  }
  return `All traffic to ${split.destinations[0]?.colour ?? 'one subset'}`;
}

function shareDetail(
  split: HostSplit,
  destination: HostSplit['destinations'][number],
  colours: Colour[],
): string {
  if (split.mode === 'round-robin') {
    if (destination.colour === null) {
      return `pods of ${destination.service} no subset selects`;
    }
    const tier = colours
      .find(c => c.name === destination.colour)
      ?.tiers.find(t => t.service === destination.service);
    const ready = tier?.readyPods ?? 0;
    return `${ready} ready pod${ready === 1 ? '' : 's'} of ${
      destination.service
    }`;
  }
  return destination.weight === null
    ? destination.service
    : `weight ${destination.weight} on ${destination.service}`;
}

/** How one shared host spreads its traffic, and where that is decided. */
export function HostSplitView(props: { split: HostSplit; colours: Colour[] }) {
  const { split, colours } = props;
  const classes = useStyles();
  const via = split.viaGateways.length
    ? ` via ${split.viaGateways.join(', ')}`
    : '';
  return (
    <div className={classes.root}>
      <Typography variant="body1" className={classes.host}>
        {split.host}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {modeSummary(split)}
        {via}, decided by {split.ruleLabel} of {split.virtualService}
      </Typography>
      <SplitBar split={split} />
      <ul className={classes.legend}>
        {split.destinations.map((destination, i) => (
          <li key={`${destination.colour}-${i}`} className={classes.legendItem}>
            <ColourChip colour={destination.colour} />
            <Typography variant="body2" component="span">
              <strong>{destination.percent}%</strong> ·{' '}
              {shareDetail(split, destination, colours)}
            </Typography>
          </li>
        ))}
      </ul>
    </div>
  );
}
