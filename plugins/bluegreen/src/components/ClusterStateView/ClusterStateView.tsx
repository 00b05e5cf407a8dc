import { InfoCard } from '@backstage/core-components';
import { ClusterBlueGreenState } from '@bluegreen-istio/plugin-bluegreen-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ColourPanel } from '../ColourPanel';
import { FindingList } from '../FindingList';
import { RouteList } from '../RouteList';
import { HostSplitView } from '../TrafficSplit';
import { ActiveColourSummary } from './ActiveColourSummary';
import { ClusterSection } from './ClusterSection';

function subheader(state: ClusterBlueGreenState): string {
  const where = state.namespace
    ? `namespace ${state.namespace}`
    : 'all namespaces';
  return `${where} · configuration as of ${new Date(
    state.fetchedAt,
  ).toLocaleTimeString()}`;
}

/** Everything the tab knows about the entity in one cluster, or why that cluster failed. */
export function ClusterStateView(props: { state: ClusterBlueGreenState }) {
  const { state } = props;
  const title = `Cluster ${state.cluster}`;
  if (state.error) {
    return (
      <InfoCard title={title}>
        <Alert severity="error">
          <AlertTitle>
            This cluster could not be read
            {state.error.reason ? ` (${state.error.reason})` : ''}
          </AlertTitle>
          {state.error.message}
        </Alert>
      </InfoCard>
    );
  }
  return (
    <InfoCard title={title} subheader={subheader(state)}>
      <ActiveColourSummary state={state} />
      <ClusterSection title="Colours">
        {state.colours.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No DestinationRule subsets serve these hosts here: add a
            DestinationRule with one subset per colour, keyed on the version pod
            label.
          </Typography>
        ) : (
          <Grid container spacing={2}>
            {state.colours.map(colour => (
              <Grid item xs={12} md={6} key={colour.name}>
                <ColourPanel
                  colour={colour}
                  active={colour.name === state.activeColour}
                />
              </Grid>
            ))}
          </Grid>
        )}
      </ClusterSection>
      <ClusterSection title="Traffic split">
        {state.splits.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No shared host splits traffic between colours.
          </Typography>
        ) : (
          state.splits.map(split => (
            <HostSplitView
              key={split.host}
              split={split}
              colours={state.colours}
            />
          ))
        )}
      </ClusterSection>
      <ClusterSection title="Routes">
        <RouteList routes={state.routes} />
      </ClusterSection>
      <ClusterSection title="Findings">
        <FindingList findings={state.findings} />
      </ClusterSection>
    </InfoCard>
  );
}
