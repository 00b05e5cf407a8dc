import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  Permission,
  createPermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { BlueGreenPortalPolicy } from './permissionPolicy';

/*
 * The policy decides for the demo users of examples/org.yaml about the entities of
 * examples/entities.yaml, as the real catalog reads them: ownership comes from the users' groups
 * (what sign-in puts in `ownershipEntityRefs`) and owner conditions are evaluated with the
 * catalog's own rules against the entities' ownedBy relations.
 */

const entityPermission = (
  name: string,
  action?: 'read' | 'update' | 'delete',
) =>
  createPermission({
    name,
    attributes: action ? { action } : {},
    resourceType: 'catalog-entity',
  });
const basicPermission = (name: string, action?: 'read' | 'create' | 'delete') =>
  createPermission({ name, attributes: action ? { action } : {} });

// As the plugins define them (names, actions, resource types).
const PERMISSIONS: Record<string, Permission> = {
  'bluegreen.state.read': entityPermission('bluegreen.state.read', 'read'),
  'bluegreen.cutover.request': entityPermission('bluegreen.cutover.request'),
  'bluegreen.cutover.approve': entityPermission('bluegreen.cutover.approve'),
  'kubernetes.proxy': basicPermission('kubernetes.proxy'),
  'kubernetes.resources.read': basicPermission(
    'kubernetes.resources.read',
    'read',
  ),
  'kubernetes.clusters.read': basicPermission(
    'kubernetes.clusters.read',
    'read',
  ),
  'catalog.entity.read': entityPermission('catalog.entity.read', 'read'),
  'catalog.entity.delete': entityPermission('catalog.entity.delete', 'delete'),
  'catalog.entity.refresh': entityPermission(
    'catalog.entity.refresh',
    'update',
  ),
  'catalog.location.delete': basicPermission(
    'catalog.location.delete',
    'delete',
  ),
  'catalog.location.create': basicPermission(
    'catalog.location.create',
    'create',
  ),
  'catalog.entity.create': basicPermission('catalog.entity.create', 'create'),
  'scaffolder.task.create': basicPermission('scaffolder.task.create', 'create'),
  'scaffolder.template.dry-run': basicPermission('scaffolder.template.dry-run'),
  'scaffolder.action.execute': createPermission({
    name: 'scaffolder.action.execute',
    attributes: {},
    resourceType: 'scaffolder-action',
  }),
  'scaffolder.task.read': createPermission({
    name: 'scaffolder.task.read',
    attributes: { action: 'read' },
    resourceType: 'scaffolder-task',
  }),
  'someplugin.thing.update': basicPermission('someplugin.thing.update'),
};

type User = 'alice' | 'bob' | 'carol' | 'paul' | 'vera';
type Row = [User, string, string | undefined, 'ALLOW' | 'DENY'];

const MYAPP = 'component:default/myapp';
const PROGRESSIVE = 'component:default/progressive-app';
const PII = 'component:default/pii-demo';

const TABLE: Row[] = [
  // Any signed-in user reads the blue/green state.
  ['vera', 'bluegreen.state.read', MYAPP, 'ALLOW'],
  ['carol', 'bluegreen.state.read', MYAPP, 'ALLOW'],
  ['alice', 'bluegreen.state.read', PII, 'ALLOW'],
  // Cutovers: the owning team's members, and the platform team.
  ['alice', 'bluegreen.cutover.request', MYAPP, 'ALLOW'],
  ['bob', 'bluegreen.cutover.approve', MYAPP, 'ALLOW'],
  ['bob', 'bluegreen.cutover.request', PROGRESSIVE, 'ALLOW'],
  ['alice', 'bluegreen.cutover.approve', PROGRESSIVE, 'ALLOW'],
  ['alice', 'bluegreen.cutover.request', PII, 'DENY'],
  ['carol', 'bluegreen.cutover.request', PII, 'ALLOW'],
  ['carol', 'bluegreen.cutover.approve', MYAPP, 'DENY'],
  ['paul', 'bluegreen.cutover.request', PII, 'ALLOW'],
  ['paul', 'bluegreen.cutover.approve', MYAPP, 'ALLOW'],
  ['vera', 'bluegreen.cutover.request', MYAPP, 'DENY'],
  ['vera', 'bluegreen.cutover.approve', PII, 'DENY'],
  // The Kubernetes proxy: the platform team only; reading resources: everyone.
  ['paul', 'kubernetes.proxy', undefined, 'ALLOW'],
  ['alice', 'kubernetes.proxy', undefined, 'DENY'],
  ['carol', 'kubernetes.proxy', undefined, 'DENY'],
  ['vera', 'kubernetes.proxy', undefined, 'DENY'],
  ['vera', 'kubernetes.resources.read', undefined, 'ALLOW'],
  ['vera', 'kubernetes.clusters.read', undefined, 'ALLOW'],
  ['alice', 'kubernetes.resources.read', undefined, 'ALLOW'],
  // Catalog: reads for all; deleting and refreshing an entity for its owners and the platform team.
  ['vera', 'catalog.entity.read', PII, 'ALLOW'],
  ['alice', 'catalog.entity.read', PII, 'ALLOW'],
  ['alice', 'catalog.entity.delete', MYAPP, 'ALLOW'],
  ['alice', 'catalog.entity.delete', PII, 'DENY'],
  ['carol', 'catalog.entity.delete', PII, 'ALLOW'],
  ['vera', 'catalog.entity.delete', MYAPP, 'DENY'],
  ['paul', 'catalog.entity.delete', PII, 'ALLOW'],
  ['bob', 'catalog.entity.refresh', PROGRESSIVE, 'ALLOW'],
  ['carol', 'catalog.entity.refresh', PROGRESSIVE, 'DENY'],
  // Locations have no owner: unregistering one is the platform team's.
  ['paul', 'catalog.location.delete', undefined, 'ALLOW'],
  ['alice', 'catalog.location.delete', undefined, 'DENY'],
  ['vera', 'catalog.location.delete', undefined, 'DENY'],
  // Registering, running templates and the dry-run: members of a team.
  ['alice', 'catalog.location.create', undefined, 'ALLOW'],
  ['vera', 'catalog.location.create', undefined, 'DENY'],
  ['carol', 'catalog.entity.create', undefined, 'ALLOW'],
  ['vera', 'catalog.entity.create', undefined, 'DENY'],
  ['alice', 'scaffolder.task.create', undefined, 'ALLOW'],
  ['carol', 'scaffolder.task.create', undefined, 'ALLOW'],
  ['paul', 'scaffolder.task.create', undefined, 'ALLOW'],
  ['vera', 'scaffolder.task.create', undefined, 'DENY'],
  ['bob', 'scaffolder.template.dry-run', undefined, 'ALLOW'],
  ['vera', 'scaffolder.template.dry-run', undefined, 'DENY'],
  ['carol', 'scaffolder.action.execute', undefined, 'ALLOW'],
  ['vera', 'scaffolder.action.execute', undefined, 'DENY'],
  ['vera', 'scaffolder.task.read', undefined, 'ALLOW'],
  // Anything else: reads for all (above), changes for the platform team.
  ['alice', 'someplugin.thing.update', undefined, 'DENY'],
  ['paul', 'someplugin.thing.update', undefined, 'ALLOW'],
];

describe('the portal permission policy', () => {
  const policy = new BlueGreenPortalPolicy();
  const isAllowedBy = createConditionAuthorizer(Object.values(permissionRules));
  let entities: Map<string, any>;
  let stopBackend: () => Promise<void>;

  beforeAll(async () => {
    const examples = resolvePackagePath('backend', '../../examples');
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [
                { allow: ['Component', 'System', 'Location', 'User', 'Group'] },
              ],
              locations: ['entities.yaml', 'org.yaml'].map(file => ({
                type: 'file',
                target: `${examples}/${file}`,
              })),
            },
          },
        }),
      ],
    });
    stopBackend = () => backend.stop();
    // Processed: the components have their owners, the team members their groups (vera has none).
    const processed = [
      MYAPP,
      PII,
      PROGRESSIVE,
      'alice',
      'bob',
      'carol',
      'paul',
    ].map(ref => (ref.includes(':') ? ref : `user:default/${ref}`));
    const readCatalog = async () => {
      const response = await fetch(
        `http://localhost:${backend.server.port()}/api/catalog/entities`,
        { headers: { authorization: mockCredentials.service.header() } },
      );
      const body: any[] = await response.json();
      return new Map(
        body.map(e => [
          `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
          e,
        ]),
      );
    };
    const isProcessed = (read: Map<string, any>) =>
      read.has('user:default/vera') &&
      processed.every(ref => read.get(ref)?.relations?.length);
    for (let tries = 0; tries < 100; tries++) {
      entities = await readCatalog();
      if (isProcessed(entities)) {
        return;
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(
      `the catalog did not read the examples: ${[...entities.keys()]}`,
    );
  }, 30_000);

  afterAll(async () => {
    await stopBackend?.();
  });

  /** What sign-in puts in the token: the user and the groups they are a member of. */
  function ownershipOf(user: User): string[] {
    const ref = `user:default/${user}`;
    const groups = entities
      .get(ref)
      .relations.filter((r: any) => r.type === 'memberOf')
      .map((r: any) => r.targetRef);
    return [ref, ...groups];
  }

  it('gives the demo users the groups of examples/org.yaml', () => {
    expect(ownershipOf('alice')).toEqual([
      'user:default/alice',
      'group:default/web-team',
    ]);
    expect(ownershipOf('bob')).toEqual([
      'user:default/bob',
      'group:default/web-team',
    ]);
    expect(ownershipOf('carol')).toEqual([
      'user:default/carol',
      'group:default/pii-team',
    ]);
    expect(ownershipOf('paul')).toEqual([
      'user:default/paul',
      'group:default/platform-team',
    ]);
    expect(ownershipOf('vera')).toEqual(['user:default/vera']);
  });

  it.each(TABLE)(
    '%s × %s × %s → %s',
    async (user, name, entityRef, expected) => {
      const userEntityRef = `user:default/${user}`;
      const decision = await policy.handle(
        { permission: PERMISSIONS[name] },
        {
          credentials: mockCredentials.user(userEntityRef),
          info: { userEntityRef, ownershipEntityRefs: ownershipOf(user) },
        },
      );
      // Every entity of the table is in the examples.
      expect(entityRef === undefined || entities.has(entityRef)).toBe(true);
      const entity = entityRef ? entities.get(entityRef) : undefined;
      const allowed =
        decision.result === AuthorizeResult.CONDITIONAL
          ? isAllowedBy(decision, entity)
          : decision.result === AuthorizeResult.ALLOW;
      expect(allowed ? 'ALLOW' : 'DENY').toBe(expected);
    },
  );

  it('denies a request without a user', async () => {
    expect(
      await policy.handle({ permission: PERMISSIONS['catalog.entity.read'] }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});
