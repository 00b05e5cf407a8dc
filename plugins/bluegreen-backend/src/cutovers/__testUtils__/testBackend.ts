/*
 * A blue/green backend as Backstage runs it, for the cutover tests: the plugin, a catalog with the
 * demo entities, the Kubernetes API test server as cluster `demo`, signed-in users by header.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  Cutover,
  CutoverRequestBody,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeTestServer,
  generateBlueGreenServices,
} from '@internal/kube-test-server';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { bluegreenPlugin } from '../../plugin';

export function component(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'web-team' },
  };
}

/**
 * One namespace (and entity of the same name) per test that changes routes, each holding a
 * generated blue/green service `svc-1` at blue 100%, so tests never depend on each other's writes.
 */
export const GENERATED_NAMESPACES = [
  'auto',
  'pair',
  'race',
  'open',
  'reject',
  'fault500',
  'faultdrop',
  'faultlate',
  'faultchanged',
  'faultmutated',
  'badinput',
];

/** The test server's seed: the scenarios plus the generated services. */
export function generatedServices() {
  return [
    ...generateBlueGreenServices(2, {
      namespace: 'twotier',
      domain: 'twotier.test',
    }),
    ...GENERATED_NAMESPACES.flatMap(namespace =>
      generateBlueGreenServices(1, { namespace, domain: `${namespace}.test` }),
    ),
  ];
}

export const ENTITIES = [
  component('pii-demo', {
    'bluegreen/istio-hosts': 'pii-demo.apps.hl.test, mysql-server',
    'backstage.io/kubernetes-namespace': 'pii-demo',
  }),
  component('myapp', {
    'bluegreen/istio-hosts': 'myapp.example.com',
    'backstage.io/kubernetes-namespace': 'myapp',
  }),
  component('progressive-app', {
    'bluegreen/istio-hosts': 'progressive.example.com',
    'backstage.io/kubernetes-namespace': 'progressive',
  }),
  component('two-tier', {
    'bluegreen/istio-hosts': 'svc-1.twotier.test, svc-2.twotier.test',
    'backstage.io/kubernetes-namespace': 'twotier',
  }),
  component('unannotated', {}),
  ...GENERATED_NAMESPACES.map(namespace =>
    component(namespace, {
      'bluegreen/istio-hosts': `svc-1.${namespace}.test`,
      'backstage.io/kubernetes-namespace': namespace,
      ...(namespace === 'auto' ? { 'bluegreen/approvals': '0' } : {}),
      ...(namespace === 'pair' ? { 'bluegreen/approvals': '2' } : {}),
    }),
  ),
];

export interface TestBackend {
  server: Server;
  stop(): Promise<void>;
  as(user: string): {
    get(path: string): request.Test;
    post(path: string, body?: object): request.Test;
  };
  /** Requests a cutover as `user`, expecting it to be stored. */
  requestCutover(user: string, body: CutoverRequestBody): Promise<Cutover>;
}

export async function startBlueGreenBackend(
  kube: KubeTestServer,
  options: {
    knex?: Knex;
    cutovers?: Record<string, number>;
    permissions?: 'allow' | 'deny';
    /** Clusters besides `demo`. */
    moreClusters?: Array<{ name: string; kube: KubeTestServer }>;
    /** More service factories, e.g. to capture notifications or drive the scheduler. */
    features?: Parameters<typeof startTestBackend>[0]['features'];
    /** More `bluegreen` configuration, e.g. `rollouts` and `prometheus`. */
    bluegreen?: Record<string, unknown>;
    /** Catalog entities besides ENTITIES. */
    entities?: Entity[];
  } = {},
): Promise<TestBackend> {
  const backend = await startTestBackend({
    features: [
      bluegreenPlugin,
      catalogServiceMock.factory({
        entities: [...ENTITIES, ...(options.entities ?? [])],
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  { name: 'demo', kube },
                  ...(options.moreClusters ?? []),
                ].map(cluster => ({
                  name: cluster.name,
                  url: cluster.kube.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.kube.token,
                  skipTLSVerify: true,
                })),
              },
            ],
          },
          bluegreen: {
            clusterTimeoutSeconds: 2,
            cutovers: { sweepIntervalSeconds: 1, ...options.cutovers },
            ...options.bluegreen,
          },
        },
      }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.features ?? []),
      ...(options.permissions === 'deny'
        ? [
            mockServices.permissions.factory({
              result: AuthorizeResult.DENY,
            }),
          ]
        : []),
    ],
  });
  const server = backend.server as unknown as Server;
  const as = (user: string) => {
    const auth = mockCredentials.user.header(`user:default/${user}`);
    return {
      get: (path: string) =>
        request(server).get(`/api/bluegreen${path}`).set('Authorization', auth),
      post: (path: string, body: object = {}) =>
        request(server)
          .post(`/api/bluegreen${path}`)
          .set('Authorization', auth)
          .send(body),
    };
  };
  return {
    server,
    stop: () => backend.stop(),
    as,
    async requestCutover(user, body) {
      const res = await as(user).post('/cutovers', body);
      if (res.status !== 201) {
        throw new Error(
          `requesting ${JSON.stringify(body)} answered ${
            res.status
          }: ${JSON.stringify(res.body)}`,
        );
      }
      return res.body as Cutover;
    },
  };
}
