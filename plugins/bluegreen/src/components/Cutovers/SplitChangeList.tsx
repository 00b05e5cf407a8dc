import { SplitChange } from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { SplitBar } from '../TrafficSplit';
import { LABELS } from './wording';

const useStyles = makeStyles(theme => ({
  host: {
    marginBottom: theme.spacing(2),
  },
  name: {
    fontFamily: 'monospace',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  row: {
    display: 'grid',
    gridTemplateColumns: '4em 1fr',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
}));

/** Each shared host's split before and after, as two bars. */
export function SplitChangeList(props: {
  splits: SplitChange[];
  showCluster: boolean;
}) {
  const classes = useStyles();
  return (
    <>
      {props.splits.map(split => {
        const where = props.showCluster
          ? `${split.host} (cluster ${split.cluster})`
          : split.host;
        return (
          <div
            key={`${split.cluster}/${split.host}/${split.protocol}`}
            className={classes.host}
          >
            <Typography variant="body2" className={classes.name}>
              {where}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              {split.ruleLabel} of VirtualService {split.virtualService}
              {split.viaGateways.length
                ? ` via ${split.viaGateways.join(', ')}`
                : ''}
            </Typography>
            {(['before', 'after'] as const).map(when => (
              <div key={when} className={classes.row}>
                <Typography variant="body2">{LABELS[when]}</Typography>
                <SplitBar
                  split={{ host: split.host, destinations: split[when] }}
                  label={`${where} ${LABELS[when]}`}
                />
              </div>
            ))}
          </div>
        );
      })}
    </>
  );
}
