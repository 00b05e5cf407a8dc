import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import { BlueGreenClient, bluegreenApiRef } from './api';
import { isBlueGreenAvailable } from './isBlueGreenAvailable';

function isBlueGreenComponent(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'component' && isBlueGreenAvailable(entity)
  );
}

const bluegreenApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: bluegreenApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new BlueGreenClient({ discoveryApi, fetchApi }),
    }),
});

const entityBlueGreenContent = EntityContentBlueprint.make({
  params: {
    path: 'bluegreen',
    title: 'Blue/Green',
    group: 'deployment',
    filter: isBlueGreenComponent,
    loader: () =>
      import('./components/EntityBlueGreenContent').then(m => (
        <m.EntityBlueGreenContent />
      )),
  },
});

const entityBlueGreenCard = EntityCardBlueprint.make({
  params: {
    filter: isBlueGreenComponent,
    loader: () =>
      import('./components/EntityBlueGreenCard').then(m => (
        <m.EntityBlueGreenCard />
      )),
  },
});

const rootRouteRef = createRouteRef();

const cutoverApprovalsPage = PageBlueprint.make({
  params: {
    path: '/bluegreen',
    title: 'Cutovers',
    icon: <SwapHorizIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/CutoverApprovalsPage').then(m => (
        <m.CutoverApprovalsContent />
      )),
  },
});

/**
 * The blue/green plugin for the new frontend system: the Blue/Green entity tab, the overview
 * card and the API, on components annotated with `bluegreen/istio-hosts`; and the approvals
 * page at `/bluegreen` (sidebar item "Cutovers").
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'bluegreen',
  title: 'Blue/Green',
  routes: { root: rootRouteRef },
  extensions: [
    bluegreenApi,
    entityBlueGreenContent,
    entityBlueGreenCard,
    cutoverApprovalsPage,
  ],
});
