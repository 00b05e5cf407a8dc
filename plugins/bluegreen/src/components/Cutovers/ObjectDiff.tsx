import { ObjectChange } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  root: {
    marginBottom: theme.spacing(2),
  },
  object: {
    fontFamily: 'monospace',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  diff: {
    margin: 0,
    padding: theme.spacing(1, 0),
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    lineHeight: 1.5,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  line: {
    display: 'block',
    padding: theme.spacing(0, 1),
    whiteSpace: 'pre',
    textDecoration: 'none',
  },
  added: {
    backgroundColor: 'rgba(46, 125, 50, 0.18)',
  },
  removed: {
    backgroundColor: 'rgba(198, 40, 40, 0.18)',
  },
  meta: {
    color: theme.palette.text.secondary,
  },
}));

type LineKind = 'added' | 'removed' | 'meta' | 'context';

function lineKind(line: string): LineKind {
  if (
    line.startsWith('+++') ||
    line.startsWith('---') ||
    line.startsWith('@@')
  ) {
    return 'meta';
  }
  if (line.startsWith('+')) {
    return 'added';
  }
  if (line.startsWith('-')) {
    return 'removed';
  }
  return 'context';
}

export function objectName(change: Pick<ObjectChange, 'cluster' | 'object'>) {
  const { kind, namespace, name } = change.object;
  return `${kind} ${namespace}/${name}`;
}

/**
 * A unified diff of YAML, line by line: added lines as insertions, removed ones as deletions
 * (highlighted, and announced so by screen readers), the rest as context.
 */
export function UnifiedDiff(props: { diff: string; label: string }) {
  const classes = useStyles();
  const lines = props.diff.replace(/\n$/, '').split('\n');
  return (
    <pre className={classes.diff} aria-label={props.label}>
      {lines.map((line, i) => {
        const kind = lineKind(line);
        if (kind === 'added') {
          return (
            <ins key={i} className={`${classes.line} ${classes.added}`}>
              {line}
            </ins>
          );
        }
        if (kind === 'removed') {
          return (
            <del key={i} className={`${classes.line} ${classes.removed}`}>
              {line}
            </del>
          );
        }
        return (
          <span
            key={i}
            className={`${classes.line} ${kind === 'meta' ? classes.meta : ''}`}
          >
            {line}
          </span>
        );
      })}
    </pre>
  );
}

/** One object's change: which object, which rules, and the diff of its YAML. */
export function ObjectChangeView(props: {
  change: ObjectChange;
  showCluster: boolean;
}) {
  const { change, showCluster } = props;
  const classes = useStyles();
  const name = objectName(change);
  return (
    <div className={classes.root}>
      <Typography variant="body2" className={classes.object}>
        {name}
        {showCluster ? ` · cluster ${change.cluster}` : ''}
      </Typography>
      {change.paths.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p">
          {change.paths.join(', ')}
        </Typography>
      )}
      <UnifiedDiff diff={change.diff} label={`diff of ${name}`} />
    </div>
  );
}
