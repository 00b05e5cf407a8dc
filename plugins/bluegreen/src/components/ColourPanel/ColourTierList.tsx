import { Colour } from '@bluegreen-istio/plugin-bluegreen-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { LabelList } from './LabelList';
import { ReadinessStatus } from './ReadinessStatus';

const useStyles = makeStyles(theme => ({
  tier: {
    '&:not(:first-child)': {
      borderTop: `1px solid ${theme.palette.divider}`,
      paddingTop: theme.spacing(1),
    },
    marginBottom: theme.spacing(1),
  },
  tierHeader: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  workload: {
    marginLeft: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
  image: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
  },
}));

/** The colour tier by tier: which subset selects which pods, and what those pods run. */
export function ColourTierList(props: { colour: Colour }) {
  const { colour } = props;
  const classes = useStyles();
  return (
    <>
      {colour.tiers.map(tier => {
        const workloads = colour.workloads.filter(
          w => w.service === tier.service,
        );
        return (
          <div
            key={`${tier.namespace}/${tier.destinationRule}`}
            className={classes.tier}
          >
            <div className={classes.tierHeader}>
              <Typography variant="subtitle2" component="span">
                {tier.service}
              </Typography>
              <LabelList labels={tier.labels} />
              <ReadinessStatus ready={tier.readyPods} total={tier.totalPods} />
            </div>
            <Typography variant="caption" color="textSecondary">
              subset {colour.name} of DestinationRule {tier.namespace}/
              {tier.destinationRule}
            </Typography>
            {workloads.length === 0 && (
              <Typography variant="body2" className={classes.workload}>
                No Deployment runs pods with these labels.
              </Typography>
            )}
            {workloads.map(workload => (
              <Box key={workload.name} className={classes.workload}>
                <Typography variant="body2">
                  Deployment {workload.name}: {workload.readyReplicas}/
                  {workload.desiredReplicas} replicas ready
                </Typography>
                {workload.images.map(image => (
                  <Typography
                    key={image}
                    variant="body2"
                    color="textSecondary"
                    className={classes.image}
                  >
                    {image}
                  </Typography>
                ))}
              </Box>
            ))}
          </div>
        );
      })}
    </>
  );
}
