import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  V1Pod,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { SCENARIOS_DIR } from './seed';
import { KubeTestServer, startKubeTestServer } from './server';

const ISTIO = 'networking.istio.io';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

function kubeConfig(server: KubeTestServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'test', token: server.token }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kc;
}

async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 4000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

async function apiError(
  promise: Promise<unknown>,
): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('@kubernetes/client-node against the test server', () => {
  let server: KubeTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    server = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      watchWindow: 10,
    });
    const kc = kubeConfig(server);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it('reads and lists core and apps objects', async () => {
    const pods = await core.listNamespacedPod({
      namespace: 'pii-demo',
      labelSelector: 'version=blue',
    });
    expect(pods.items.map(p => p.metadata!.labels!.app).sort()).toEqual([
      'httpd-server',
      'mysql-server',
    ]);
    expect(pods.items[0].status!.containerStatuses![0].ready).toBe(true);
    expect(pods.metadata!.resourceVersion).toMatch(/^\d+$/);

    const everywhere = await core.listPodForAllNamespaces({
      labelSelector: 'app in (myapp,progressive-app)',
    });
    expect(everywhere.items).toHaveLength(8);

    const service = await core.readNamespacedService({
      name: 'httpd-server',
      namespace: 'pii-demo',
    });
    expect(service.spec!.ports![0]).toMatchObject({
      name: 'http-80',
      port: 80,
    });

    const deployment = await apps.readNamespacedDeploymentStatus({
      name: 'myapp-v2',
      namespace: 'myapp',
    });
    expect(deployment.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
    expect(deployment.status!.conditions!.map(c => c.type)).toEqual([
      'Available',
      'Progressing',
    ]);
    expect(deployment.status!.conditions![0].lastTransitionTime).toBeInstanceOf(
      Date,
    );
  });

  it('creates, scales with a merge patch and reports typed errors', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings' }, data: { colour: 'blue' } },
    });
    expect(created.metadata!.uid).toBeDefined();
    const duplicate = await apiError(
      core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'settings' } },
      }),
    );
    expect(duplicate.code).toBe(409);
    expect(JSON.parse(duplicate.body)).toMatchObject({
      reason: 'AlreadyExists',
    });

    const scale = await apps.patchNamespacedDeploymentScale(
      { name: 'myapp-v2', namespace: 'myapp', body: { spec: { replicas: 0 } } },
      merge,
    );
    expect(scale.spec!.replicas).toBe(0);
    expect(
      (
        await core.listNamespacedPod({
          namespace: 'myapp',
          labelSelector: 'version=v2',
        })
      ).items,
    ).toEqual([]);

    const missing = await apiError(
      apps.readNamespacedDeployment({ name: 'nope', namespace: 'myapp' }),
    );
    expect(missing.code).toBe(404);
  });

  it('works with Istio objects through CustomObjectsApi at every served version', async () => {
    const all = await custom.listClusterCustomObject({
      group: ISTIO,
      version: 'v1beta1',
      plural: 'virtualservices',
    });
    expect(all.items.map((vs: any) => vs.metadata.name)).toEqual([
      'myapp',
      'httpd-server',
      'mysql-server',
      'progressive-app',
    ]);

    const dr = await custom.getNamespacedCustomObject({
      group: ISTIO,
      version: 'v1alpha3',
      namespace: 'pii-demo',
      plural: 'destinationrules',
      name: 'httpd-server',
    });
    expect(dr.apiVersion).toBe(`${ISTIO}/v1alpha3`);
    expect(dr.spec.subsets.map((s: any) => s.labels.version)).toEqual([
      'blue',
      'green',
    ]);

    const created = await custom.createNamespacedCustomObject({
      group: ISTIO,
      version: 'v1',
      namespace: 'myapp',
      plural: 'gateways',
      body: {
        apiVersion: `${ISTIO}/v1`,
        kind: 'Gateway',
        metadata: { name: 'extra' },
        spec: { servers: [] },
      },
    });
    expect(created.metadata.generation).toBe(1);
  });

  it('patches VirtualServices with merge and JSON patches, refusing stale or failed preconditions', async () => {
    const target = {
      group: ISTIO,
      version: 'v1beta1',
      namespace: 'myapp',
      plural: 'virtualservices',
      name: 'myapp',
    };
    const current = await custom.getNamespacedCustomObject(target);

    const merged = await custom.patchNamespacedCustomObject(
      {
        ...target,
        body: {
          metadata: {
            resourceVersion: current.metadata.resourceVersion,
            annotations: { 'bluegreen/cutover': 'c-1' },
          },
        },
      },
      merge,
    );
    expect(merged.metadata.annotations).toEqual({ 'bluegreen/cutover': 'c-1' });

    const weights = await custom.patchNamespacedCustomObject(
      {
        ...target,
        body: [
          {
            op: 'test',
            path: '/metadata/resourceVersion',
            value: merged.metadata.resourceVersion,
          },
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
        ],
      },
      jsonPatch,
    );
    expect(weights.spec.http[0].route.map((r: any) => r.weight)).toEqual([
      0, 100,
    ]);
    expect(weights.metadata.generation).toBe(2);

    const stale = await apiError(
      custom.patchNamespacedCustomObject(
        {
          ...target,
          body: {
            metadata: { resourceVersion: current.metadata.resourceVersion },
            spec: { hosts: [] },
          },
        },
        merge,
      ),
    );
    expect(stale.code).toBe(409);
    expect(JSON.parse(stale.body)).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
    });

    const failedTest = await apiError(
      custom.patchNamespacedCustomObject(
        {
          ...target,
          body: [
            {
              op: 'test',
              path: '/metadata/resourceVersion',
              value: current.metadata.resourceVersion,
            },
          ],
        },
        jsonPatch,
      ),
    );
    expect(failedTest.code).toBe(422);
  });

  it('keeps an informer in sync through adds, updates, deletes, dropped watches and 410 Expired', async () => {
    const kc = kubeConfig(server);
    const informer = makeInformer<V1Pod>(
      kc,
      '/api/v1/namespaces/myapp/pods',
      () => core.listNamespacedPod({ namespace: 'myapp' }),
    );
    const added: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', pod => added.push(pod.metadata!.name!));
    informer.on('update', pod => updated.push(pod.metadata!.name!));
    informer.on('delete', pod => deleted.push(pod.metadata!.name!));
    informer.on('error', error => errors.push(error));
    await informer.start();
    try {
      await until(() => added.length === 4, 'the initial list');

      const [changed] = server.setPodReadiness({
        namespace: 'myapp',
        labelSelector: 'version=v1',
        ready: false,
      });
      await until(() => updated.includes(changed), 'the readiness update');
      expect(
        informer
          .get(changed, 'myapp')!
          .status!.conditions!.find(c => c.type === 'Ready')!.status,
      ).toBe('False');

      await apps.patchNamespacedDeploymentScale(
        {
          name: 'myapp-v2',
          namespace: 'myapp',
          body: { spec: { replicas: 1 } },
        },
        merge,
      );
      await until(() => deleted.length === 1, 'the scale-down delete');

      // A dropped watch: the informer resumes from its resourceVersion without listing again.
      server.resetRequestCounts();
      expect(server.closeWatches()).toBe(1);
      await apps.patchNamespacedDeploymentScale(
        {
          name: 'myapp-v2',
          namespace: 'myapp',
          body: { spec: { replicas: 2 } },
        },
        merge,
      );
      await until(() => added.length === 5, 'the add after the dropped watch');
      expect(
        server.requestCounts()['list /api/v1/namespaces/myapp/pods'],
      ).toBeUndefined();

      // Hold the reconnect back while more changes happen than the server's event window keeps:
      // the informer gets 410 Expired, lists again and catches up.
      server.injectFault({
        type: 'latency',
        verb: 'watch',
        latencyMs: 300,
        count: 1,
      });
      server.closeWatches();
      await apps.patchNamespacedDeploymentScale(
        {
          name: 'myapp-v1',
          namespace: 'myapp',
          body: { spec: { replicas: 5 } },
        },
        merge,
      );
      await until(
        () => informer.list('myapp').length === 7,
        'the relist after 410',
      );
      expect(server.requestCounts()['list /api/v1/namespaces/myapp/pods']).toBe(
        1,
      );
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
