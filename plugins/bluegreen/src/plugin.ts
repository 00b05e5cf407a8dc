import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { BlueGreenClient, bluegreenApiRef } from './api';

/**
 * The blue/green plugin for the legacy frontend system.
 *
 * @public
 */
export const bluegreenPlugin = createPlugin({
  id: 'bluegreen',
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
export const EntityBlueGreenContent = bluegreenPlugin.provide(
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
export const EntityBlueGreenCard = bluegreenPlugin.provide(
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
