import { InfoCard, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_ISTIO_HOSTS,
  BlueGreenStateResponse,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { useBlueGreenState } from '../../hooks/useBlueGreenState';
import { isBlueGreenAvailable } from '../../isBlueGreenAvailable';
import { BlueGreenErrorPanel } from '../BlueGreenErrorPanel';
import { ColourPaletteProvider } from '../colours';
import { wording } from '../Cutovers';
import { ClusterSummary } from './ClusterSummary';
import { PendingCutoverChip } from './PendingCutoverChip';

const { TAB_PATH } = wording;

function CardBody(props: { state: BlueGreenStateResponse }) {
  const { clusters } = props.state;
  return (
    <ColourPaletteProvider state={props.state}>
      {clusters.map((cluster, i) => (
        <Fragment key={cluster.cluster}>
          {i > 0 && <Divider style={{ margin: '12px 0' }} />}
          <ClusterSummary
            state={cluster}
            showClusterName={clusters.length > 1}
          />
        </Fragment>
      ))}
    </ColourPaletteProvider>
  );
}

function LoadedCard(props: { tabLink: string }) {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { state, error } = useBlueGreenState(entityRef);
  if (state) {
    return (
      <>
        <PendingCutoverChip entityRef={entityRef} tabLink={props.tabLink} />
        <CardBody state={state} />
      </>
    );
  }
  if (error) {
    return <BlueGreenErrorPanel error={error} />;
  }
  return <Progress />;
}

/** The overview card: the split, each colour's readiness, and the way to the tab. */
export function EntityBlueGreenCard() {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const available = isBlueGreenAvailable(entity);
  const tabLink = `${entityRoute(entityRouteParams(entity))}/${TAB_PATH}`;
  return (
    <InfoCard
      title="Blue/Green"
      deepLink={
        available
          ? {
              title: 'Colours, routes and findings',
              link: tabLink,
            }
          : undefined
      }
    >
      {available ? (
        <LoadedCard tabLink={tabLink} />
      ) : (
        <Typography variant="body2">
          Add the <code>{ANNOTATION_ISTIO_HOSTS}</code> annotation with the
          hosts users reach this entity by to see its blue/green state.
        </Typography>
      )}
    </InfoCard>
  );
}
