import { EmptyState } from '@backstage/core-components';
import { ErrorLike } from '@backstage/errors';
import {
  ANNOTATION_ISTIO_HOSTS,
  BlueGreenStateResponse,
  parseAnnotationList,
} from '@internal/plugin-bluegreen-common';
import { Entity } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../BlueGreenErrorPanel';
import { ClusterStateView } from '../ClusterStateView';
import { RoutingExplainer } from '../RoutingExplainer';
import { ColourPaletteProvider } from '../colours';

/** The loaded state: clusters side by side, then the explainer. */
export function BlueGreenStateView(props: {
  entity: Entity;
  state: BlueGreenStateResponse;
  refreshError?: ErrorLike;
}) {
  const { entity, state, refreshError } = props;
  const clusters = state.clusters;
  return (
    <ColourPaletteProvider state={state}>
      <Grid container spacing={3}>
        {refreshError && (
          <Grid item xs={12}>
            <Alert severity="warning">
              Refreshing failed, showing the last state that loaded:{' '}
              {errorMessage(refreshError)}
            </Alert>
          </Grid>
        )}
        {clusters.length === 0 && (
          <Grid item xs={12}>
            <EmptyState
              missing="data"
              title="No cluster to look in"
              description="Configure a cluster under kubernetes.clusterLocatorMethods, or check that the bluegreen/cluster annotation names a configured one."
            />
          </Grid>
        )}
        {clusters.map(cluster => (
          <Grid
            item
            xs={12}
            lg={clusters.length > 1 ? 6 : 12}
            key={cluster.cluster}
          >
            <ClusterStateView state={cluster} />
          </Grid>
        ))}
        <Grid item xs={12}>
          <RoutingExplainer
            entityRef={state.entityRef}
            entityHosts={parseAnnotationList(
              entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS],
            )}
            clusters={clusters}
          />
        </Grid>
      </Grid>
    </ColourPaletteProvider>
  );
}
