import { RouteRule } from '@bluegreen-istio/plugin-bluegreen-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ColourChip } from '../colours';
import {
  RULE_KINDS,
  describeDestination,
  describeMatchConditions,
  ruleLabel,
} from './describeMatch';

const useStyles = makeStyles(theme => ({
  item: {
    padding: theme.spacing(1, 0),
    '&:not(:last-child)': {
      borderBottom: `1px solid ${theme.palette.divider}`,
    },
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  conditions: {
    margin: theme.spacing(0.5, 0),
    paddingLeft: theme.spacing(3),
  },
  code: {
    fontFamily: 'monospace',
  },
}));

function kindTitle(classification: string): string {
  return (
    RULE_KINDS.find(k => k.classification === classification)?.title ??
    classification
  ).toLowerCase();
}

/** One rule: its place in the VirtualService, what it is for, when it matches and where it sends. */
export function RouteRuleItem(props: { rule: RouteRule }) {
  const { rule } = props;
  const classes = useStyles();
  const alsoServes = rule.classifications.filter(
    c => c !== rule.classification,
  );
  return (
    <li className={classes.item}>
      <div className={classes.heading}>
        <Chip size="small" label={ruleLabel(rule)} />
        <Typography variant="body2" color="textSecondary" component="span">
          {rule.virtualService}
          {rule.name ? ` · ${rule.name}` : ''}
        </Typography>
        {alsoServes.map(c => (
          <Chip
            key={c}
            size="small"
            variant="outlined"
            label={`also ${kindTitle(c)}`}
          />
        ))}
      </div>
      <Typography variant="body1">{rule.description}</Typography>
      <Typography variant="body2" color="textSecondary" component="div">
        {rule.matches.length === 0 ? (
          'Matches every request.'
        ) : (
          <>
            Matches when{rule.matches.length > 1 ? ' any of' : ''}:
            <ul className={classes.conditions}>
              {rule.matches.map((match, i) => (
                <li key={i} className={classes.code}>
                  {describeMatchConditions(match).join(' and ') ||
                    'every request'}
                </li>
              ))}
            </ul>
          </>
        )}
      </Typography>
      <div className={classes.heading}>
        <Typography variant="body2" component="span">
          Sends to
        </Typography>
        {rule.destinations.map((destination, i) => (
          <span key={i} className={classes.heading}>
            {destination.subset && <ColourChip colour={destination.subset} />}
            <Typography
              variant="body2"
              component="span"
              className={classes.code}
            >
              {describeDestination(destination)}
            </Typography>
          </span>
        ))}
      </div>
    </li>
  );
}
