import { RouteRule } from '@bluegreen-istio/plugin-bluegreen-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ColourChip } from '../colours';
import { RULE_KINDS } from './ruleKinds';

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
  sendsTo: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
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

/**
 * One rule: its place in the VirtualService, what it is for, when it matches and where it sends,
 * in the backend's words (the same a finding about the rule uses).
 */
export function RouteRuleItem(props: { rule: RouteRule }) {
  const { rule } = props;
  const classes = useStyles();
  const alsoServes = rule.classifications.filter(
    c => c !== rule.classification,
  );
  return (
    <li className={classes.item}>
      <div className={classes.heading}>
        <Chip size="small" label={rule.label} />
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
      <Typography variant="body2" component="div">
        {rule.conditions.length === 0 ? (
          'Matches every request.'
        ) : (
          <>
            Matches when{rule.conditions.length > 1 ? ' any of' : ''}:
            <ul className={classes.conditions}>
              {rule.conditions.map((condition, i) => (
                <li key={i} className={classes.code}>
                  {condition}
                </li>
              ))}
            </ul>
          </>
        )}
      </Typography>
      <div className={classes.sendsTo}>
        <Typography variant="body2" component="span">
          Sends to
        </Typography>
        {[...new Set(rule.destinations.flatMap(d => d.subset ?? []))].map(
          subset => (
            <ColourChip key={subset} colour={subset} />
          ),
        )}
        <Typography variant="body2" component="span" className={classes.code}>
          {rule.sendsTo}
        </Typography>
      </div>
    </li>
  );
}
