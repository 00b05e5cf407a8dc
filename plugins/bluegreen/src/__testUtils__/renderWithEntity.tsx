import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { ReactElement } from 'react';
import { BlueGreenApi, bluegreenApiRef } from '../api';
import { apiWithDefaults } from './cutoverApi';

/**
 * Renders a component of the plugin on an entity page, with the given API (cutover methods
 * default to "nothing yet"), signed in as `user` (default alice) and, when given, with signals.
 */
export function renderWithEntity(
  element: ReactElement,
  options: {
    entity: Entity;
    api: Partial<BlueGreenApi>;
    user?: string;
    signalApi?: SignalApi;
  },
) {
  const apis: Array<readonly [any, any]> = [
    [bluegreenApiRef, apiWithDefaults(options.api)],
    [
      identityApiRef,
      mockApis.identity({
        userEntityRef: options.user ?? 'user:default/alice',
      }),
    ],
  ];
  if (options.signalApi) {
    apis.push([signalApiRef, options.signalApi]);
  }
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
