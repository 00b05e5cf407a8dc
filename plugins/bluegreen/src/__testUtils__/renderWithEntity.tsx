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
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { ReactElement } from 'react';
import { BlueGreenApi, bluegreenApiRef } from '../api';
import { apiWithDefaults } from './cutoverApi';

/** What the fake permission API answers: `ALLOW` or `DENY`, as `mockApis.permission` takes them. */
type PermissionResult = Extract<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  string
>;

/**
 * A permission API that grants everything except the named permissions (e.g.
 * `bluegreen.cutover.approve`).
 */
export function permissionsExcept(denied: string[]) {
  return mockApis.permission({
    authorize: request =>
      (denied.includes(request.permission.name)
        ? 'DENY'
        : 'ALLOW') as PermissionResult,
  });
}

/**
 * Renders a component of the plugin on an entity page, with the given API (cutover methods
 * default to "nothing yet"), signed in as `user` (default alice), with the permissions not in
 * `deniedPermissions` granted and, when given, with signals.
 */
export function renderWithEntity(
  element: ReactElement,
  options: {
    entity: Entity;
    api: Partial<BlueGreenApi>;
    user?: string;
    signalApi?: SignalApi;
    deniedPermissions?: string[];
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
    [permissionApiRef, permissionsExcept(options.deniedPermissions ?? [])],
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
