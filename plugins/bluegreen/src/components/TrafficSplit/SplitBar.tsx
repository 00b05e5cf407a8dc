import { SplitShare } from '@bluegreen-istio/plugin-bluegreen-common';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { useColourPalette } from '../colours';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: theme.spacing(4),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.disabledBackground,
  },
  segment: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    fontWeight: theme.typography.fontWeightBold as number,
    fontSize: theme.typography.body2.fontSize,
    transition: 'width 400ms ease',
  },
}));

// Below this share the name no longer fits inside its segment; the legend still names it.
const MIN_LABELLED_PERCENT = 12;

function destinationLabel(colour: string | null): string {
  return colour ?? 'no subset';
}

/** What a bar draws: a host's shares (a state's split, or a cutover's before or after). */
export interface SplitBarShares {
  host: string;
  destinations: SplitShare[];
}

/**
 * The shares of one host as a bar; every segment names its colour, not only paints it. `label`
 * (default: the host) starts the bar's accessible name.
 */
export function SplitBar(props: { split: SplitBarShares; label?: string }) {
  const { split, label: name = split.host } = props;
  const classes = useStyles();
  const palette = useColourPalette();
  const summary = split.destinations
    .map(d => `${destinationLabel(d.colour)} ${d.percent}%`)
    .join(', ');
  return (
    <div className={classes.bar} role="img" aria-label={`${name}: ${summary}`}>
      {split.destinations
        .filter(d => d.percent > 0)
        .map((d, i) => {
          const swatch = palette(d.colour);
          const label = `${destinationLabel(d.colour)} ${d.percent}%`;
          return (
            <Tooltip key={`${d.colour}-${i}`} title={label}>
              <div
                className={classes.segment}
                style={{
                  width: `${d.percent}%`,
                  backgroundColor: swatch.main,
                  color: swatch.contrastText,
                }}
              >
                {d.percent >= MIN_LABELLED_PERCENT ? label : ''}
              </div>
            </Tooltip>
          );
        })}
    </div>
  );
}
