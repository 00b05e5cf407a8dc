import { EmptyState } from '@backstage/core-components';
import { ErrorLike } from '@backstage/errors';
import {
  ANNOTATION_ISTIO_HOSTS,
  BlueGreenStateResponse,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Entity } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';
import { errorMessage } from '../BlueGreenErrorPanel';
import { ClusterStateView } from '../ClusterStateView';
import { RoutingExplainer } from '../RoutingExplainer';
import { ColourPaletteProvider } from '../colours';

/**
 * The loaded state: `header` (the cutover controls), clusters side by side, the explainer, then
 * `footer` (the history).
 */
export function BlueGreenStateView(props: {
  entity: Entity;
  state: BlueGreenStateResponse;
  refreshError?: ErrorLike;
  header?: ReactNode;
  footer?: ReactNode;
}) {
  const { entity, state, refreshError, header, footer } = props;
  const clusters = state.clusters;
  return (
    <ColourPaletteProvider state={state}>
      <Grid container spacing={3}>
        {header && (
          <Grid item xs={12}>
            {header}
          </Grid>
        )}
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
              description="Configure a cluster under kubernetes.clusterLocatorMethods, or check that the backstage.io/kubernetes-cluster annotation names a configured one."
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
        {footer && (
          <Grid item xs={12}>
            {footer}
          </Grid>
        )}
      </Grid>
    </ColourPaletteProvider>
  );
}
