import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  BlueGreenStateResponse,
  ClusterBlueGreenState,
  CutoverPreview,
  ExplainResponse,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeObject,
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { Server } from 'node:http';
import request from 'supertest';
import { bluegreenPlugin } from './plugin';

/*
 * The plugin as a Backstage backend runs it, reading the seeded scenarios from the Kubernetes API
 * test server over real HTTP with @kubernetes/client-node, next to a second configured cluster that
 * nothing listens on.
 */

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

const entities = [
  component('pii-demo', {
    'bluegreen/istio-hosts': 'pii-demo.apps.hl.test, mysql-server',
    'backstage.io/kubernetes-namespace': 'pii-demo',
  }),
  component('myapp', {
    'bluegreen/istio-hosts': 'myapp.example.com',
    'backstage.io/kubernetes-namespace': 'myapp',
    'backstage.io/kubernetes-cluster': 'demo',
  }),
  component('progressive-app', {
    'bluegreen/istio-hosts': 'progressive.example.com',
    'backstage.io/kubernetes-namespace': 'progressive',
    'backstage.io/kubernetes-cluster': 'demo',
  }),
  component('checkout', {
    'bluegreen/istio-hosts': 'checkout',
    'backstage.io/kubernetes-namespace': 'payments',
    'backstage.io/kubernetes-cluster': 'demo',
  }),
  component('checkout-portal', {
    'bluegreen/istio-hosts': 'checkout, portal.shop.test',
    'backstage.io/kubernetes-namespace': 'payments',
    'backstage.io/kubernetes-cluster': 'demo',
  }),
  component('no-istio', {}),
  // The plugin's former annotation, still read as an alias.
  component('elsewhere', {
    'bluegreen/istio-hosts': 'myapp.example.com',
    'bluegreen/cluster': 'staging',
  }),
  component('nowhere', {
    'bluegreen/istio-hosts': 'myapp.example.com',
    'backstage.io/kubernetes-cluster': 'production',
  }),
  component('myapp-v1-workloads', {
    'bluegreen/istio-hosts': 'myapp.example.com',
    'backstage.io/kubernetes-namespace': 'myapp',
    'backstage.io/kubernetes-cluster': 'demo',
    'backstage.io/kubernetes-label-selector': 'app=myapp, version in (v1)',
  }),
];

/**
 * checkout's workloads and DestinationRule in payments, its routing in the shared namespace
 * mesh-routing (a VirtualService naming the host in full, split 80/20).
 */
function sharedRoutingObjects(): KubeObject[] {
  const colour = (version: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `checkout-${version}`, namespace: 'payments' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'checkout', version } },
      template: {
        metadata: { labels: { app: 'checkout', version } },
        spec: {
          containers: [{ name: 'checkout', image: `shop/checkout:${version}` }],
        },
      },
    },
  });
  return [
    ...['payments', 'mesh-routing', 'istio-system'].map(name => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    })),
    colour('blue'),
    colour('green'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'checkout', namespace: 'payments' },
      spec: {
        selector: { app: 'checkout' },
        ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: { name: 'checkout', namespace: 'payments' },
      spec: {
        host: 'checkout',
        subsets: ['blue', 'green'].map(name => ({
          name,
          labels: { version: name },
        })),
      },
    },
    // The mesh's ingress, where most meshes keep it; bound by no VirtualService in the seed.
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['*.store.test'],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'checkout', namespace: 'mesh-routing' },
      spec: {
        hosts: ['checkout.payments.svc.cluster.local'],
        http: [
          {
            route: ['blue', 'green'].map((subset, i) => ({
              destination: {
                host: 'checkout.payments.svc.cluster.local',
                subset,
              },
              weight: [80, 20][i],
            })),
          },
        ],
      },
    },
  ];
}

function cluster(name: string, url: string, token: string) {
  return {
    name,
    url,
    authProvider: 'serviceAccount',
    serviceAccountToken: token,
    // The test server speaks plain HTTP, which the client only allows with this set.
    skipTLSVerify: true,
  };
}

function backendConfig(
  clusters: ReturnType<typeof cluster>[],
  bluegreen: { clusterTimeoutSeconds?: number; watchCache?: boolean },
) {
  return mockServices.rootConfig.factory({
    data: {
      kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] },
      bluegreen,
    },
  });
}

const percents = (state: ClusterBlueGreenState, host: string) =>
  Object.fromEntries(
    state.splits
      .find(s => s.host === host)!
      .destinations.map(d => [d.colour, d.percent]),
  );

async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('bluegreen backend plugin against the Kubernetes API test server', () => {
  let kube: KubeTestServer;
  let server: Server;
  let stopBackend: () => Promise<void>;

  const state = async (entityRef: string) => {
    const res = await request(server).get(
      `/api/bluegreen/state?entityRef=${encodeURIComponent(entityRef)}`,
    );
    expect(res.status).toBe(200);
    return res.body as BlueGreenStateResponse;
  };
  const demoState = async (entityRef: string) =>
    (await state(entityRef)).clusters.find(c => c.cluster === 'demo')!;

  const patchObject = async (path: string, patch: object) => {
    const res = await fetch(`${kube.url}${path}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${kube.token}`,
        'content-type': 'application/merge-patch+json',
      },
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
  };

  const patchWeights = async (v1: number, v2: number) => {
    const res = await fetch(
      `${kube.url}/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${kube.token}`,
          'content-type': 'application/json-patch+json',
        },
        body: JSON.stringify([
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: v1 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: v2 },
        ]),
      },
    );
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    kube = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      objects: sharedRoutingObjects(),
      watchWindow: 10,
    });
    const backend = await startTestBackend({
      features: [
        bluegreenPlugin,
        catalogServiceMock.factory({ entities }),
        backendConfig(
          [
            cluster('demo', kube.url, kube.token),
            cluster('staging', 'http://127.0.0.1:9', 'unused'),
          ],
          { clusterTimeoutSeconds: 2 },
        ),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await kube?.close();
  });

  afterEach(async () => {
    kube.clearFaults();
    await patchWeights(50, 50);
  });

  describe('GET /state', () => {
    it('reads pii-demo: two colours with their hosts, round robin on the shared host, affinity on both tiers, no findings', async () => {
      const body = await state('component:default/pii-demo');
      expect(body.entityRef).toBe('component:default/pii-demo');
      expect(body.clusters.map(c => c.cluster)).toEqual(['demo', 'staging']);

      const demo = body.clusters[0];
      expect(demo.error).toBeUndefined();
      expect(demo.namespace).toBe('pii-demo');
      expect(demo.colours.map(c => [c.name, c.hosts])).toEqual([
        ['blue', ['pii-demo-blue.apps.hl.test']],
        ['green', ['pii-demo-green.apps.hl.test']],
      ]);
      expect(demo.colours.every(c => c.readyPods > 0)).toBe(true);
      expect(demo.splits.map(s => [s.host, s.mode])).toEqual([
        ['pii-demo.apps.hl.test', 'round-robin'],
      ]);
      expect(percents(demo, 'pii-demo.apps.hl.test')).toEqual({
        blue: 50,
        green: 50,
      });
      expect(demo.activeColour).toBeNull();
      const kinds = demo.routes.flatMap(r => r.classifications);
      expect(kinds).toEqual(
        expect.arrayContaining(['mesh-affinity', 'tcp-affinity']),
      );
      expect(demo.findings).toEqual([]);
      expect(
        demo.resourceVersions['VirtualService/pii-demo/httpd-server'],
      ).toMatch(/^\d+$/);
    });

    it('reports the unreachable cluster in its own entry without hiding the other', async () => {
      const body = await state('component:default/pii-demo');
      const staging = body.clusters.find(c => c.cluster === 'staging')!;
      expect(staging.error).toMatchObject({ reason: 'unreachable' });
      expect(staging.error!.message).toContain('staging');
      expect(staging.colours).toEqual([]);
      expect(
        body.clusters.find(c => c.cluster === 'demo')!.colours,
      ).toHaveLength(2);
    });

    it('reads myapp weighted 50/50 and the progressive service at 70/30', async () => {
      const myapp = await state('component:default/myapp');
      expect(myapp.clusters.map(c => c.cluster)).toEqual(['demo']);
      expect(myapp.clusters[0].splits[0].mode).toBe('weighted');
      expect(percents(myapp.clusters[0], 'myapp.example.com')).toEqual({
        v1: 50,
        v2: 50,
      });
      expect(myapp.clusters[0].activeColour).toBeNull();

      const progressive = await demoState('component:default/progressive-app');
      expect(percents(progressive, 'progressive.example.com')).toEqual({
        blue: 70,
        green: 30,
      });
    });

    it('follows a change of weights in the cluster', async () => {
      await demoState('component:default/myapp');
      await patchWeights(0, 100);
      const after = await eventually(
        () => demoState('component:default/myapp'),
        s => s.activeColour === 'v2',
      );
      expect(percents(after, 'myapp.example.com')).toEqual({ v1: 0, v2: 100 });
    });

    it('answers from the watch cache at steady state: no cluster request per state request', async () => {
      await eventually(
        () => demoState('component:default/myapp'),
        () => true,
      );
      // Let every informer finish its initial list before counting.
      await new Promise(r => setTimeout(r, 500));
      kube.resetRequestCounts();
      for (let i = 0; i < 20; i++) {
        await demoState('component:default/myapp');
      }
      const counts = kube.requestCounts();
      const reads = Object.entries(counts).filter(
        ([k]) => !k.startsWith('watch'),
      );
      expect(reads).toEqual([]);
    });

    it('recovers from dropped watches while more changes happen than the server retains, back to a live cache', async () => {
      await demoState('component:default/myapp');
      // The restarts fail too, so more changes happen meanwhile than the server retains (watchWindow).
      kube.injectFault({ type: 'drop', verb: 'watch', count: 3 });
      expect(kube.closeWatches()).toBeGreaterThan(0);
      for (let i = 0; i < 15; i++) {
        await patchWeights(i, 100 - i);
      }
      await patchWeights(20, 80);

      // While the watch is down, answers come from direct reads, so they are already current.
      expect(
        percents(
          await demoState('component:default/myapp'),
          'myapp.example.com',
        ),
      ).toEqual({ v1: 20, v2: 80 });

      // Back to answering from the watch: no cluster reads, and it follows the next change.
      const readsPerStateRequest = async () => {
        kube.resetRequestCounts();
        await demoState('component:default/myapp');
        return Object.keys(kube.requestCounts()).filter(
          k => !k.startsWith('watch'),
        ).length;
      };
      expect(await eventually(readsPerStateRequest, n => n === 0, 20_000)).toBe(
        0,
      );
      await patchWeights(30, 70);
      const after = await eventually(
        () => demoState('component:default/myapp'),
        s => percents(s, 'myapp.example.com').v2 === 70,
      );
      expect(percents(after, 'myapp.example.com')).toEqual({ v1: 30, v2: 70 });
      expect(await readsPerStateRequest()).toBe(0);
    }, 30_000);

    it('answers a poller that already holds the current state with 304, and with the new state after a change', async () => {
      const url = '/api/bluegreen/state?entityRef=component:default/myapp';
      const first = await eventually(
        () => request(server).get(url),
        r => r.status === 200 && !!r.headers.etag,
      );
      const etag = first.headers.etag;
      const again = await request(server).get(url).set('If-None-Match', etag);
      expect(again.status).toBe(304);

      await patchWeights(40, 60);
      const changed = await eventually(
        () => request(server).get(url).set('If-None-Match', etag),
        r => r.status === 200,
      );
      expect(changed.headers.etag).not.toBe(etag);
      expect(percents(changed.body.clusters[0], 'myapp.example.com')).toEqual({
        v1: 40,
        v2: 60,
      });
    });

    it('shows the split of a VirtualService kept in another namespace, and where each object lives', async () => {
      const checkout = await demoState('component:default/checkout');
      expect(checkout.error).toBeUndefined();
      expect(checkout.namespace).toBe('payments');
      expect(checkout.splits).toHaveLength(1);
      expect(checkout.splits[0]).toMatchObject({
        host: 'checkout',
        mode: 'weighted',
        virtualService: 'mesh-routing/checkout',
      });
      expect(percents(checkout, 'checkout')).toEqual({ blue: 80, green: 20 });
      expect(
        checkout.colours.map(c => [
          c.name,
          c.readyPods,
          c.tiers.map(t => `${t.namespace}/${t.destinationRule}`),
        ]),
      ).toEqual([
        ['blue', 1, ['payments/checkout']],
        ['green', 1, ['payments/checkout']],
      ]);
      expect(checkout.findings).toEqual([]);
    });

    it('reports a host nothing routes, and a DestinationRule exportTo hides from the VirtualService, each with its fix', async () => {
      const portal = await demoState('component:default/checkout-portal');
      expect(
        portal.findings.map(f => [f.code, f.severity, f.resource]),
      ).toEqual([
        [
          'host-not-routed',
          'error',
          { kind: 'VirtualService', namespace: 'payments', name: 'portal' },
        ],
      ]);
      expect(portal.findings[0].fix).toContain('hosts: [portal.shop.test]');

      await patchObject(
        '/apis/networking.istio.io/v1beta1/namespaces/payments/destinationrules/checkout',
        { spec: { exportTo: ['.'] } },
      );
      try {
        const hidden = await eventually(
          () => demoState('component:default/checkout'),
          s => s.findings.length > 0,
        );
        expect(hidden.findings.map(f => [f.code, f.resource.name])).toEqual([
          ['destination-rule-not-exported', 'checkout'],
        ]);
        expect(hidden.findings[0].fix).toContain(
          "Add 'mesh-routing' (or '*') to spec.exportTo of DestinationRule payments/checkout",
        );
      } finally {
        await patchObject(
          '/apis/networking.istio.io/v1beta1/namespaces/payments/destinationrules/checkout',
          { spec: { exportTo: null } },
        );
      }
    });

    it('checks a host against a Gateway kept in istio-system, as Istio binds it by namespace/name', async () => {
      const vs =
        '/apis/networking.istio.io/v1beta1/namespaces/mesh-routing/virtualservices/checkout';
      await patchObject(vs, {
        spec: {
          hosts: ['checkout.payments.svc.cluster.local', 'checkout.shop.test'],
          gateways: ['istio-system/public', 'mesh'],
        },
      });
      try {
        const unserved = await eventually(
          () => demoState('component:default/checkout'),
          s => s.findings.length > 0,
        );
        expect(
          unserved.findings.map(f => [
            f.code,
            f.resource.namespace,
            f.resource.name,
          ]),
        ).toEqual([['host-not-in-gateway', 'istio-system', 'public']]);
        expect(unserved.findings[0].fix).toContain(
          "Add 'checkout.shop.test' (or a wildcard such as *.shop.test) to spec.servers[].hosts of Gateway istio-system/public",
        );
      } finally {
        await patchObject(vs, {
          spec: {
            hosts: ['checkout.payments.svc.cluster.local'],
            gateways: null,
          },
        });
      }
      const restored = await eventually(
        () => demoState('component:default/checkout'),
        s => s.findings.length === 0,
      );
      expect(restored.findings).toEqual([]);
    });

    it('plans a cutover of checkout as a patch of the VirtualService in mesh-routing', async () => {
      const res = await request(server)
        .post('/api/bluegreen/cutovers/preview')
        .send({
          entityRef: 'component:default/checkout',
          action: { action: 'switch', colour: 'green' },
        });
      expect(res.status).toBe(200);
      const { plan } = res.body as CutoverPreview;
      expect(plan.changes.map(c => c.object)).toEqual([
        expect.objectContaining({
          kind: 'VirtualService',
          namespace: 'mesh-routing',
          name: 'checkout',
        }),
      ]);
      expect(
        plan.splits.map(s => [s.virtualService, s.host, s.before, s.after]),
      ).toEqual([
        [
          'mesh-routing/checkout',
          'checkout',
          [
            { colour: 'blue', percent: 80 },
            { colour: 'green', percent: 20 },
          ],
          [
            { colour: 'blue', percent: 0 },
            { colour: 'green', percent: 100 },
          ],
        ],
      ]);
    });

    it('names the missing annotation for an entity without it', async () => {
      const res = await request(server).get(
        '/api/bluegreen/state?entityRef=component:default/no-istio',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('bluegreen/istio-hosts');
    });

    it('answers 404 for an unknown entity and 400 for a malformed reference', async () => {
      const unknown = await request(server).get(
        '/api/bluegreen/state?entityRef=component:default/nope',
      );
      expect(unknown.status).toBe(404);
      const malformed = await request(server).get(
        '/api/bluegreen/state?entityRef=component:default/',
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('entityRef');
      const missing = await request(server).get('/api/bluegreen/state');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('entityRef is required');
    });
    it.each([
      [
        'an emoji',
        'component:default/pii-demo🚀',
        'name "pii-demo🚀" is not a valid entity name',
      ],
      [
        'CR/LF',
        'component:default/pii\r\ndemo',
        'name "pii\\r\\ndemo" is not a valid entity name',
      ],
      [
        'a namespace with capitals',
        'component:Default/pii-demo',
        'namespace "Default" is not a valid namespace',
      ],
      [
        '10 KB',
        `component:default/${'a'.repeat(10_000)}`,
        'entityRef is longer than 200 characters',
      ],
    ])(
      'refuses an entity reference with %s, naming the problem',
      async (_, entityRef, problem) => {
        const res = await request(server).get(
          `/api/bluegreen/state?entityRef=${encodeURIComponent(entityRef)}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(`entityRef: ${problem}`);
        expect(res.body.error.message.length).toBeLessThan(300);
      },
    );
  });

  describe('POST /explain', () => {
    const explain = async (body: object) => {
      const res = await request(server)
        .post('/api/bluegreen/explain')
        .send({
          entityRef: 'component:default/pii-demo',
          cluster: 'demo',
          ...body,
        });
      expect(res.status).toBe(200);
      return (res.body as ExplainResponse).clusters[0];
    };
    const colours = (e: { destinations: { colour: string | null }[] }) =>
      e.destinations.map(d => d.colour).sort();

    it('sends the blue host through the gateway to blue', async () => {
      const e = await explain({
        host: 'pii-demo-blue.apps.hl.test',
        gateway: 'pii-demo-gateway',
      });
      expect(e.matchedRule?.index).toBe(0);
      expect(colours(e)).toEqual(['blue']);
      expect(
        e.destinations[0].pods.every(p => p.startsWith('httpd-server-blue')),
      ).toBe(true);
    });

    it('keeps a green pod calling httpd-server in the mesh on green', async () => {
      const e = await explain({
        host: 'httpd-server',
        sourceLabels: { app: 'httpd-server', version: 'green' },
      });
      expect(colours(e)).toEqual(['green']);
      expect(e.skipped.map(s => s.index)).toEqual([0]);
    });

    it('spreads the shared host over both colours', async () => {
      const e = await explain({
        host: 'pii-demo.apps.hl.test',
        gateway: 'pii-demo-gateway',
      });
      expect(e.matchedRule?.index).toBe(2);
      expect(colours(e)).toEqual(['blue', 'green']);
    });

    it('refuses input that is not a request, naming the field', async () => {
      const res = await request(server).post('/api/bluegreen/explain').send({
        entityRef: 'component:default/pii-demo',
        host: 'x',
        port: 'eighty',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('port');
    });

    it('refuses a cluster the entity does not live in', async () => {
      const res = await request(server).post('/api/bluegreen/explain').send({
        entityRef: 'component:default/myapp',
        host: 'myapp.example.com',
        cluster: 'staging',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("'staging'");
    });
  });

  it('reads only the clusters that backstage.io/kubernetes-cluster (or its alias bluegreen/cluster) names, and refuses one that is not configured', async () => {
    const myapp = await state('component:default/myapp');
    expect(myapp.clusters.map(c => c.cluster)).toEqual(['demo']);
    const elsewhere = await state('component:default/elsewhere');
    expect(elsewhere.clusters.map(c => c.cluster)).toEqual(['staging']);

    const res = await request(server).get(
      '/api/bluegreen/state?entityRef=component:default/nowhere',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('production');
    expect(res.body.error.message).toContain('demo, staging');
    expect(res.body.error.message).toContain('backstage.io/kubernetes-cluster');
  });

  it('counts only the workloads backstage.io/kubernetes-label-selector matches', async () => {
    const [all] = (await state('component:default/myapp')).clusters;
    const [narrowed] = (await state('component:default/myapp-v1-workloads'))
      .clusters;
    const pods = (s: typeof all) =>
      Object.fromEntries(s.colours.map(c => [c.name, c.totalPods]));
    expect(pods(all).v1).toBeGreaterThan(0);
    expect(pods(all).v2).toBeGreaterThan(0);
    expect(pods(narrowed)).toEqual({ v1: pods(all).v1, v2: 0 });
    expect(narrowed.colours.find(c => c.name === 'v2')!.workloads).toEqual([]);
  });
});

describe('bluegreen backend plugin when the cluster behind the URL is replaced', () => {
  const MYAPP_VS =
    '/apis/networking.istio.io/v1beta1/namespaces/myapp/virtualservices/myapp';

  // supertest opens a connection per request: a pooled one would still point at the old server.
  const patchWeights = async (kube: KubeTestServer, v1: number, v2: number) => {
    const res = await request(kube.url)
      .patch(MYAPP_VS)
      .set('authorization', `Bearer ${kube.token}`)
      .set('content-type', 'application/json-patch+json')
      .send(
        JSON.stringify([
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: v1 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: v2 },
        ]),
      );
    expect(res.status).toBe(200);
  };

  const myappPods = async (kube: KubeTestServer) => {
    const res = await request(kube.url)
      .get('/api/v1/namespaces/myapp/pods')
      .set('authorization', `Bearer ${kube.token}`);
    const list = res.body as { items: KubeObject[] };
    return list.items.map(p => p.metadata.name).sort();
  };

  it('rebuilds the watch cache from a fresh list when the test server restarts on the same port with lower resourceVersions', async () => {
    let kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    const port = kube.port;
    const backend = await startTestBackend({
      features: [
        bluegreenPlugin,
        catalogServiceMock.factory({ entities }),
        backendConfig([cluster('demo', kube.url, kube.token)], {
          clusterTimeoutSeconds: 2,
        }),
      ],
    });
    const state = async () => {
      const res = await request(backend.server).get(
        '/api/bluegreen/state?entityRef=component:default/myapp',
      );
      return (res.body as BlueGreenStateResponse).clusters[0];
    };
    const explainedPods = async () => {
      const res = await request(backend.server)
        .post('/api/bluegreen/explain')
        .send({
          entityRef: 'component:default/myapp',
          host: 'myapp.example.com',
        });
      return (res.body as ExplainResponse).clusters[0].destinations
        .flatMap(d => d.pods)
        .sort();
    };
    try {
      // The old cluster's resourceVersions run ahead of what the new one starts with.
      for (const v1 of [10, 20, 30, 40, 90]) {
        await patchWeights(kube, v1, 100 - v1);
      }
      const before = await eventually(state, s =>
        s.splits.some(sp => sp.destinations[0].percent === 90),
      );
      expect(percents(before, 'myapp.example.com')).toEqual({ v1: 90, v2: 10 });
      expect(await explainedPods()).toEqual(await myappPods(kube));

      await kube.close();
      kube = await startKubeTestServer({ port, scenarioDirs: [SCENARIOS_DIR] });
      const newPods = await myappPods(kube);

      // Within the API server's wait for a resourceVersion it has not reached (3 s), which ends
      // the resumed watch, and the first back-off (0.5 s), plus time to list.
      const after = await eventually(
        state,
        s => percents(s, 'myapp.example.com').v1 === 50,
        5_500,
      );
      expect(percents(after, 'myapp.example.com')).toEqual({ v1: 50, v2: 50 });
      expect(await explainedPods()).toEqual(newPods);
    } finally {
      await backend.stop();
      await kube.close();
    }
  }, 20_000);
});

describe('bluegreen backend plugin permissions', () => {
  it('answers 403 when the policy denies bluegreen.state.read, before reading any cluster', async () => {
    const kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    const backend = await startTestBackend({
      features: [
        bluegreenPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        backendConfig([cluster('demo', kube.url, kube.token)], {
          watchCache: false,
        }),
      ],
    });
    try {
      kube.resetRequestCounts();
      const res = await request(backend.server).get(
        '/api/bluegreen/state?entityRef=component:default/pii-demo',
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('bluegreen.state.read');
      expect(kube.requestCounts()).toEqual({});
    } finally {
      await backend.stop();
      await kube.close();
    }
  });
});
