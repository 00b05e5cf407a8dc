import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(0, 0, 2),
    '& dt': {
      fontWeight: theme.typography.fontWeightBold as number,
    },
    '& dd': {
      margin: 0,
    },
  },
}));

/**
 * Facts about a cutover or rollout as a definition list, names in a column beside their values;
 * the children are its `dt`/`dd` pairs.
 */
export function Facts(props: { 'aria-label'?: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <dl className={classes.facts} aria-label={props['aria-label']}>
      {props.children}
    </dl>
  );
}
