import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { JSX } from 'react';
import { BlueGreenClient, bluegreenApiRef } from './api';
import type { EntityBlueGreenContentProps } from './components/EntityBlueGreenContent';
import { rootRouteRef } from './routes';

/**
 * The blue/green plugin for the legacy frontend system.
 *
 * @public
 */
export const bluegreenPlugin = createPlugin({
  id: 'bluegreen',
  routes: { root: rootRouteRef },
  apis: [
    createApiFactory({
      api: bluegreenApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new BlueGreenClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The Blue/Green entity tab: colours, split, routes, findings and the routing explainer.
 *
 * @public
 */
export const EntityBlueGreenContent: (
  props: EntityBlueGreenContentProps,
) => JSX.Element = bluegreenPlugin.provide(
  createComponentExtension({
    name: 'EntityBlueGreenContent',
    component: {
      lazy: () =>
        import('./components/EntityBlueGreenContent').then(
          m => m.EntityBlueGreenContent,
        ),
    },
  }),
);

/**
 * The overview card: the split, each colour's readiness and a link to the tab.
 *
 * @public
 */
export const EntityBlueGreenCard: () => JSX.Element = bluegreenPlugin.provide(
  createComponentExtension({
    name: 'EntityBlueGreenCard',
    component: {
      lazy: () =>
        import('./components/EntityBlueGreenCard').then(
          m => m.EntityBlueGreenCard,
        ),
    },
  }),
);

/**
 * The approvals page: the cutover requests the signed-in user can approve, then recent ones.
 * Mount it at `/bluegreen` with a sidebar item "Cutovers".
 *
 * @public
 */
export const BlueGreenPage: () => JSX.Element = bluegreenPlugin.provide(
  createRoutableExtension({
    name: 'BlueGreenPage',
    component: () =>
      import('./components/CutoverApprovalsPage').then(m => m.BlueGreenPage),
    mountPoint: rootRouteRef,
  }),
);
