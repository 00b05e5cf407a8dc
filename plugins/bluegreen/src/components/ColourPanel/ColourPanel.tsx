import { Colour } from '@bluegreen-istio/plugin-bluegreen-common';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useColourPalette } from '../colours';
import { ColourTierList } from './ColourTierList';

const useStyles = makeStyles(theme => ({
  panel: {
    height: '100%',
    borderWidth: 2,
    borderStyle: 'solid',
    overflow: 'hidden',
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2),
  },
  name: {
    fontWeight: theme.typography.fontWeightBold as number,
  },
  activeBadge: {
    fontWeight: theme.typography.fontWeightBold as number,
    backgroundColor: theme.palette.background.paper,
    color: theme.palette.text.primary,
  },
  body: {
    padding: theme.spacing(1, 2, 2),
  },
  section: {
    marginTop: theme.spacing(1),
  },
  host: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
}));

/** One colour in its own colour: what runs in it and which hosts always reach it. */
export function ColourPanel(props: { colour: Colour; active: boolean }) {
  const { colour, active } = props;
  const classes = useStyles();
  const swatch = useColourPalette()(colour.name);
  return (
    <Paper
      className={classes.panel}
      style={{ borderColor: swatch.main }}
      role="region"
      aria-label={`colour ${colour.name}`}
    >
      <div
        className={classes.header}
        style={{ backgroundColor: swatch.main, color: swatch.contrastText }}
      >
        <Typography variant="h6" component="h3" className={classes.name}>
          {colour.name}
        </Typography>
        <Typography variant="body2" component="span">
          {colour.readyPods}/{colour.totalPods} pods ready
        </Typography>
        {active && (
          <Chip size="small" label="ACTIVE" className={classes.activeBadge} />
        )}
      </div>
      <div className={classes.body}>
        <ColourTierList colour={colour} />
        <div className={classes.section}>
          <Typography variant="overline" component="h4">
            Hosts pinned to {colour.name}
          </Typography>
          {colour.hosts.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              None: {colour.name} is reached only through the shared split.
            </Typography>
          ) : (
            colour.hosts.map(host => (
              <Typography key={host} variant="body2" className={classes.host}>
                {host}
              </Typography>
            ))
          )}
        </div>
      </div>
    </Paper>
  );
}
