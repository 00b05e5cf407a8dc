import { RouteRule } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { RULE_KINDS } from './ruleKinds';
import { RouteRuleItem } from './RouteRuleItem';

const useStyles = makeStyles(theme => ({
  group: {
    marginBottom: theme.spacing(2),
  },
  list: {
    listStyle: 'none',
    padding: 0,
    margin: 0,
  },
}));

/**
 * The rules grouped by what they are for. Within a group they keep evaluation order, and each
 * names its position, since Istio applies the first rule that matches.
 */
export function RouteList(props: { routes: RouteRule[] }) {
  const { routes } = props;
  const classes = useStyles();
  if (routes.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No VirtualService rule serves these hosts.
      </Typography>
    );
  }
  return (
    <>
      {RULE_KINDS.map(kind => {
        const rules = routes.filter(
          r => r.classification === kind.classification,
        );
        if (rules.length === 0) {
          return null;
        }
        return (
          <section
            key={kind.classification}
            className={classes.group}
            aria-label={kind.title}
          >
            <Typography variant="subtitle1" component="h4">
              {kind.title}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              {kind.explanation}
            </Typography>
            <ul className={classes.list}>
              {rules.map(rule => (
                <RouteRuleItem
                  key={`${rule.virtualService}/${rule.protocol}/${rule.index}`}
                  rule={rule}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
