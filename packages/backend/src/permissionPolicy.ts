import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
  isReadPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** The team that runs the mesh and the portal: it may do everything. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/**
 * Changes an entity's owners may make (and the platform team). Permissions are matched by name so
 * that the policy needs none of the plugins that define them.
 */
const OWNER_CHANGES = new Set([
  'bluegreen.cutover.request',
  'bluegreen.cutover.approve',
  'catalog.entity.delete',
  'catalog.entity.refresh',
]);

/**
 * What any member of a team may do. Templates and the scaffolder's dry-run run arbitrary actions,
 * so a signed-in reader who belongs to no team may not.
 */
const TEAM_MEMBER_ACTIONS = new Set([
  'scaffolder.task.create',
  'scaffolder.task.cancel',
  'scaffolder.template.dry-run',
  'scaffolder.template.management',
  'scaffolder.action.execute',
  'catalog.entity.create',
  'catalog.entity.validate',
  'catalog.location.create',
  'catalog.location.analyze',
]);

/**
 * Only the platform team: the Kubernetes proxy would change the cluster around the approved
 * cutovers, and a location (unregistering one removes all its entities) has no owner to ask.
 */
const PLATFORM_ONLY = new Set(['kubernetes.proxy', 'catalog.location.delete']);

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's policy, built on catalog ownership: everyone signed in reads everything; an
 * entity's owners change it; team members run templates; the platform team does anything.
 * Whatever is not listed here follows the same line: reads for all, changes for the platform team.
 * Calls between backend plugins never reach a policy.
 */
export class BlueGreenPortalPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return DENY;
    }
    const { permission } = request;
    const claims = user.info.ownershipEntityRefs;
    if (claims.includes(PLATFORM_TEAM)) {
      return ALLOW;
    }
    if (PLATFORM_ONLY.has(permission.name)) {
      return DENY;
    }
    if (OWNER_CHANGES.has(permission.name)) {
      return ownersOnly(permission, claims);
    }
    if (TEAM_MEMBER_ACTIONS.has(permission.name)) {
      return claims.some(ref => ref.startsWith('group:')) ? ALLOW : DENY;
    }
    return isReadPermission(permission) ? ALLOW : DENY;
  }
}

function ownersOnly(permission: Permission, claims: string[]): PolicyDecision {
  if (!isResourcePermission(permission, 'catalog-entity')) {
    // Without an entity there is no owner to be.
    return DENY;
  }
  return createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({ claims }),
  );
}

/** Installs {@link BlueGreenPortalPolicy} as the permission backend's policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'bluegreen-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new BlueGreenPortalPolicy());
      },
    });
  },
});
