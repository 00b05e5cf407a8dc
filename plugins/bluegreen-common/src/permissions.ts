import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The catalog's entity resource type. Spelled out rather than imported from
 * `@backstage/plugin-catalog-common` so this package stays dependency-light; policies
 * see the same string either way.
 */
const CATALOG_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Read the blue/green state (colours, splits, routes, findings) of an entity and explain
 * how a request would be routed.
 *
 * @public
 */
export const bluegreenStateReadPermission = createPermission({
  name: 'bluegreen.state.read',
  attributes: { action: 'read' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/**
 * Request a cutover of an entity (and preview it, cancel one's own, roll back the last one).
 *
 * @public
 */
export const bluegreenCutoverRequestPermission = createPermission({
  name: 'bluegreen.cutover.request',
  attributes: { action: 'create' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/**
 * Approve or reject another person's cutover of an entity. The requester can never approve
 * their own request, whatever the policy says.
 *
 * @public
 */
export const bluegreenCutoverApprovePermission = createPermission({
  name: 'bluegreen.cutover.approve',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
});

/**
 * Every permission of the blue/green plugin, for registration with the permission framework.
 *
 * @public
 */
export const bluegreenPermissions = [
  bluegreenStateReadPermission,
  bluegreenCutoverRequestPermission,
  bluegreenCutoverApprovePermission,
];
