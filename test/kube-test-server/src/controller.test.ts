import { Admission } from './admission';
import { KubeApi, Scope } from './api';
import { WorkloadController } from './controller';
import { ResourceRegistry } from './registry';
import { parseFilter, parseLabelSelector } from './selectors';
import { Store } from './store';
import { KubeObject } from './types';

function setup() {
  const registry = new ResourceRegistry();
  const store = new Store(1000);
  const api = new KubeApi(store, registry, new Admission());
  const controller = new WorkloadController(store, registry, 50);
  controller.start();
  const scope = (group: string, plural: string, namespace = 'shop'): Scope => ({
    type: registry.get(group, plural),
    version: registry.get(group, plural).versions[0],
    namespace,
  });
  const list = (group: string, plural: string, selector = '') =>
    api.list(scope(group, plural), { filter: parseFilter(selector, '') }).items;
  api.create(
    { ...scope('', 'namespaces'), namespace: undefined },
    { metadata: { name: 'shop' } },
  );
  return { api, controller, scope, list };
}

function deployment(
  name: string,
  version: string,
  replicas: number,
  image = `web:${version}`,
): KubeObject {
  const labels = { app: 'web', version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              ports: [{ name: 'http', containerPort: 8080 }],
            },
          ],
        },
      },
    },
  };
}

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: {
    selector: { app: 'web' },
    ports: [{ name: 'http', port: 80, targetPort: 'http' }],
  },
};

describe('WorkloadController', () => {
  it('runs a Deployment as a ReplicaSet of ready, labelled pods and reports its status', () => {
    const { api, scope, list } = setup();
    api.create(scope('apps', 'deployments'), deployment('web-blue', 'blue', 2));

    const [rs] = list('apps', 'replicasets');
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-blue-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web-blue',
        controller: true,
      }),
    ]);
    expect(rs.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });

    const pods = list('', 'pods');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(
        new RegExp(`^web-blue-${hash}-[a-z0-9]{5}$`),
      );
      expect(pod.metadata.labels).toEqual({
        app: 'web',
        version: 'blue',
        'pod-template-hash': hash,
      });
      expect(pod.spec).toMatchObject({
        containers: [expect.objectContaining({ image: 'web:blue' })],
      });
      expect(pod.status).toMatchObject({
        phase: 'Running',
        podIP: expect.stringMatching(/^10\.244\./),
        conditions: expect.arrayContaining([
          {
            type: 'Ready',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: expect.any(String),
          },
        ]),
        containerStatuses: [
          expect.objectContaining({
            name: 'web',
            image: 'web:blue',
            ready: true,
          }),
        ],
      });
    }

    const status = api.get(scope('apps', 'deployments'), 'web-blue').status;
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        expect.objectContaining({ type: 'Available', status: 'True' }),
        expect.objectContaining({
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        }),
      ],
    });
  });

  it('scales and rolls a new template onto a new ReplicaSet', () => {
    const { api, scope, list } = setup();
    const deployments = scope('apps', 'deployments');
    api.create(deployments, deployment('web-blue', 'blue', 2));
    const before = list('apps', 'replicasets')[0];

    api.patch(deployments, 'web-blue', 'merge', { spec: { replicas: 3 } });
    expect(list('', 'pods')).toHaveLength(3);

    api.patch(deployments, 'web-blue', 'json', [
      {
        op: 'replace',
        path: '/spec/template/spec/containers/0/image',
        value: 'web:blue-2',
      },
    ]);
    const replicaSets = list('apps', 'replicasets');
    expect(replicaSets).toHaveLength(2);
    const current = replicaSets.find(
      rs => rs.metadata.name !== before.metadata.name,
    )!;
    expect(
      current.metadata.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('2');
    expect(
      replicaSets.find(rs => rs.metadata.name === before.metadata.name)!.spec,
    ).toMatchObject({ replicas: 0 });
    const pods = list('', 'pods');
    expect(pods).toHaveLength(3);
    expect(
      pods.every(pod =>
        pod.metadata.name!.startsWith(`${current.metadata.name}-`),
      ),
    ).toBe(true);
    expect(api.get(deployments, 'web-blue').status).toMatchObject({
      observedGeneration: 3,
      replicas: 3,
      updatedReplicas: 3,
    });
  });

  it('keeps Endpoints in line with pod readiness and updates the deployment status', () => {
    const { api, controller, scope, list } = setup();
    api.create(scope('', 'services'), service);
    api.create(scope('apps', 'deployments'), deployment('web-blue', 'blue', 2));
    api.create(
      scope('apps', 'deployments'),
      deployment('web-green', 'green', 1),
    );

    const endpoints = () => api.get(scope('', 'endpoints'), 'web') as any;
    expect(endpoints().subsets[0].addresses).toHaveLength(3);
    // The named target port resolves to the container port.
    expect(endpoints().subsets[0].ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);

    const changed = controller.setPodReadiness({
      namespace: 'shop',
      labelSelector: parseLabelSelector('version=blue'),
      ready: false,
    });
    expect(changed).toHaveLength(2);
    expect(endpoints().subsets[0].addresses).toHaveLength(1);
    expect(endpoints().subsets[0].notReadyAddresses).toHaveLength(2);
    const blue = api.get(scope('apps', 'deployments'), 'web-blue')
      .status as any;
    expect(blue.readyReplicas).toBeUndefined();
    expect(blue.unavailableReplicas).toBe(2);
    expect(blue.conditions[0]).toMatchObject({
      type: 'Available',
      status: 'False',
    });
    const notReadyPod = list('', 'pods', 'version=blue')[0].status as any;
    expect(
      notReadyPod.conditions.find((c: any) => c.type === 'Ready'),
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    expect(notReadyPod.containerStatuses[0].ready).toBe(false);

    controller.setPodReadiness({
      namespace: 'shop',
      name: list('', 'pods', 'version=blue')[0].metadata.name,
      ready: true,
    });
    expect(endpoints().subsets[0].addresses).toHaveLength(2);
  });

  it('terminates deleted pods gracefully and replaces them at once, as a ReplicaSet does', async () => {
    const { api, scope, list } = setup();
    api.create(scope('', 'services'), service);
    api.create(scope('apps', 'deployments'), deployment('web-blue', 'blue', 1));
    const [pod] = list('', 'pods');
    const terminating = api.delete(scope('', 'pods'), pod.metadata.name!);
    expect(terminating.metadata).toMatchObject({
      deletionTimestamp: expect.any(String),
      deletionGracePeriodSeconds: 30,
    });
    const pods = list('', 'pods');
    expect(pods).toHaveLength(2);
    const old = pods.find(p => p.metadata.name === pod.metadata.name)!;
    const replacement = pods.find(p => p.metadata.name !== pod.metadata.name)!;
    expect(
      (old.status as any).conditions.find((c: any) => c.type === 'Ready'),
    ).toMatchObject({ status: 'False' });
    expect(
      (
        api.get(
          scope('apps', 'replicasets'),
          replacement.metadata.ownerReferences![0].name,
        ) as any
      ).status.replicas,
    ).toBe(1);
    expect(
      (api.get(scope('', 'endpoints'), 'web') as any).subsets[0].addresses.map(
        (a: any) => a.targetRef.name,
      ),
    ).toEqual([replacement.metadata.name]);
    // The controller's podTerminationMs (50) is shorter than the grace period: gone after it.
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(list('', 'pods').map(p => p.metadata.name)).toEqual([
      replacement.metadata.name,
    ]);

    api.delete(scope('', 'pods'), replacement.metadata.name!, {
      gracePeriodSeconds: 0,
    });
    expect(list('', 'pods').map(p => p.metadata.name)).not.toContain(
      replacement.metadata.name,
    );
    expect(list('', 'pods')).toHaveLength(1);
  });

  it('collects owned objects and empties deleted namespaces', () => {
    const { api, scope, list } = setup();
    api.create(scope('', 'services'), service);
    api.create(scope('apps', 'deployments'), deployment('web-blue', 'blue', 1));

    api.delete(scope('apps', 'deployments'), 'web-blue');
    expect(list('apps', 'replicasets')).toEqual([]);
    expect(list('', 'pods')).toEqual([]);
    expect(
      (api.get(scope('', 'endpoints'), 'web') as any).subsets,
    ).toBeUndefined();

    api.create(
      scope('apps', 'deployments'),
      deployment('web-green', 'green', 2),
    );
    api.delete({ ...scope('', 'namespaces'), namespace: undefined }, 'shop');
    expect(list('', 'pods')).toEqual([]);
    expect(list('', 'services')).toEqual([]);
    expect(list('', 'endpoints')).toEqual([]);
  });

  it('starts pods created directly through the API', () => {
    const { api, scope } = setup();
    api.create(scope('', 'pods'), {
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'sh', image: 'busybox' }] },
      status: { phase: 'Failed' },
    });
    expect(api.get(scope('', 'pods'), 'debug')).toMatchObject({
      spec: { nodeName: 'kube-test-node' },
      status: { phase: 'Running' },
    });
  });
});
