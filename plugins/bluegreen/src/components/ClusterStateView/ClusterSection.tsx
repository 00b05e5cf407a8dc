import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  section: {
    marginTop: theme.spacing(3),
  },
}));

export function ClusterSection(props: { title: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <section className={classes.section} aria-label={props.title}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
}
