import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ReactElement } from 'react';
import { BlueGreenApi, bluegreenApiRef } from '../api';

/** Renders a component of the plugin on an entity page, with the given API. */
export function renderWithEntity(
  element: ReactElement,
  options: { entity: Entity; api: Partial<BlueGreenApi> },
) {
  return renderInTestApp(
    <TestApiProvider apis={[[bluegreenApiRef, options.api]]}>
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
