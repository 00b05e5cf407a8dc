import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ClusterObjects,
  computeClusterState,
  explainRequest,
  selectForHosts,
} from '../model';
import { ClusterObjectSource } from './ClusterObjectSource';
import { readClusterDetails } from './clusters';
import { slimObject } from './slimObjects';

/** The demo entities' annotations, as in examples/entities.yaml. */
const ENTITIES = [
  { hosts: ['pii-demo.apps.hl.test', 'mysql-server'], namespace: 'pii-demo' },
  { hosts: ['myapp.example.com'], namespace: 'myapp' },
  { hosts: ['progressive.example.com'], namespace: 'progressive' },
];

function slimAll(objects: ClusterObjects): ClusterObjects {
  return Object.fromEntries(
    Object.entries(objects).map(([key, list]) => [
      key,
      (list as KubernetesObject[]).map(o =>
        slimObject(key as keyof ClusterObjects, o),
      ),
    ]),
  ) as unknown as ClusterObjects;
}

describe('what the watch cache keeps of each object', () => {
  let kube: KubeTestServer;
  let source: ClusterObjectSource;

  beforeAll(async () => {
    kube = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      // Keeps a deleted pod terminating for the whole test.
      podTerminationMs: 60_000,
    });
    // Unready and terminating pods, so readiness is part of the comparison.
    kube.setPodReadiness({
      namespace: 'pii-demo',
      labelSelector: 'version=green',
      ready: false,
    });
    const pods = await fetch(`${kube.url}/api/v1/namespaces/myapp/pods`, {
      headers: { authorization: `Bearer ${kube.token}` },
    }).then(r => r.json() as Promise<{ items: KubernetesObject[] }>);
    const deleted = await fetch(
      `${kube.url}/api/v1/namespaces/myapp/pods/${pods.items[0].metadata!
        .name!}?gracePeriodSeconds=60`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${kube.token}` },
      },
    );
    if (deleted.status !== 200) {
      throw new Error(`deleting a pod: ${deleted.status}`);
    }

    const logger = mockServices.logger.mock();
    const [cluster] = readClusterDetails(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'demo',
                  url: kube.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: kube.token,
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
      }),
      logger,
    );
    source = new ClusterObjectSource(cluster, {
      istioApiVersion: 'v1beta1',
      timeoutMs: 5_000,
      watch: false,
      logger,
    });
  });

  afterAll(async () => {
    await source?.close();
    await kube?.close();
  });

  it.each(ENTITIES)(
    'gives the same state of $namespace as the whole objects do',
    async ({ hosts, namespace }) => {
      const whole = await source.objectsIn(namespace, { fresh: true });
      const state = (objects: ClusterObjects) =>
        computeClusterState({
          hosts,
          namespace,
          objects: selectForHosts(hosts, objects, namespace),
        });
      const expected = state(whole);
      expect(expected.colours.length).toBeGreaterThan(0);
      expect(state(slimAll(whole))).toEqual(expected);
    },
  );

  it.each(ENTITIES)(
    'explains the requests to $namespace as the whole objects do',
    async ({ hosts, namespace }) => {
      const whole = await source.objectsIn(namespace, { fresh: true });
      for (const host of hosts) {
        expect(explainRequest({ host }, slimAll(whole), namespace)).toEqual(
          explainRequest({ host }, whole, namespace),
        );
      }
    },
  );

  it('drops what the model never reads', async () => {
    const { pods, deployments } = await source.objectsIn('myapp', {
      fresh: true,
    });
    const size = (objects: KubernetesObject[], key: keyof ClusterObjects) => ({
      whole: JSON.stringify(objects).length,
      slim: JSON.stringify(objects.map(o => slimObject(key, o))).length,
    });
    const podSizes = size(pods, 'pods');
    const deploymentSizes = size(deployments, 'deployments');
    expect(podSizes.slim).toBeLessThan(podSizes.whole / 2);
    expect(deploymentSizes.slim).toBeLessThan(deploymentSizes.whole / 2);
  });
});
