import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  BlueGreenStateResponse,
  ClusterBlueGreenState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeObject,
  KubeTestServer,
  startKubeTestServer,
} from '@internal/kube-test-server';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import bluegreenPlugin from '@bluegreen-istio/plugin-bluegreen-backend';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import bluegreenScaffolderModule from './index';

/*
 * The whole way a platform team takes: the "Blue/green service on Istio" template goes through
 * the scaffolder's real dry-run (POST /v2/dry-run, every step, publish and register skipped as in
 * any dry-run); the manifests it wrote are created on the Kubernetes API test server over HTTP;
 * the catalog-info.yaml it wrote is the entity the blue/green plugin's state API is asked about.
 */

const TEMPLATE_DIR = path.resolve(
  __dirname,
  '../../../templates/bluegreen-service',
);

interface File {
  path: string;
  content: string;
}

function templateDirectory(dir: string, base = dir): File[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? templateDirectory(full, base)
      : [
          {
            path: path.relative(base, full),
            content: fs.readFileSync(full, 'utf8'),
          },
        ];
  });
}

async function dryRun(values: Record<string, unknown>): Promise<File[]> {
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      githubModule,
      bluegreenScaffolderModule,
      catalogServiceMock.factory(),
    ],
  });
  try {
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/scaffolder/v2/dry-run`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          template: yaml.load(
            fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
          ),
          values,
          directoryContents: templateDirectory(TEMPLATE_DIR).map(f => ({
            path: f.path,
            base64Content: Buffer.from(f.content).toString('base64'),
          })),
        }),
      },
    );
    const body = await res.json();
    if (res.status !== 200) {
      throw new Error(
        `dry-run answered ${res.status}: ${JSON.stringify(body)}`,
      );
    }
    return body.directoryContents.map((f: any) => ({
      path: f.path,
      content: Buffer.from(f.base64Content, 'base64').toString('utf8'),
    }));
  } finally {
    await backend.stop();
  }
}

function collectionUrl(server: KubeTestServer, object: KubeObject): string {
  const plural = `${object.kind!.toLowerCase()}s`;
  const group =
    object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  return object.kind === 'Namespace'
    ? `${server.url}${group}/namespaces`
    : `${server.url}${group}/namespaces/${object.metadata.namespace}/${plural}`;
}

/** Creates each object in kustomization order, as `kubectl apply -k` would. */
async function createAll(server: KubeTestServer, files: File[], dir: string) {
  const byPath = new Map(files.map(f => [f.path, f.content]));
  const { resources } = yaml.load(byPath.get(`${dir}/kustomization.yaml`)!) as {
    resources: string[];
  };
  const created: KubeObject[] = [];
  for (const resource of resources) {
    const object = yaml.load(byPath.get(`${dir}/${resource}`)!) as KubeObject;
    const res = await fetch(collectionUrl(server, object), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(object),
    });
    expect({ resource, status: res.status }).toEqual({ resource, status: 201 });
    created.push(object);
  }
  return created;
}

async function readyPods(server: KubeTestServer, namespace: string) {
  const res = await fetch(`${server.url}/api/v1/namespaces/${namespace}/pods`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const { items } = await res.json();
  return (items as any[]).map(pod => ({
    app: pod.metadata.labels.app,
    version: pod.metadata.labels.version,
    ready: pod.status.conditions.some(
      (c: any) => c.type === 'Ready' && c.status === 'True',
    ),
  }));
}

async function stateOf(
  server: KubeTestServer,
  entity: Entity,
): Promise<ClusterBlueGreenState> {
  const backend = await startTestBackend({
    features: [
      bluegreenPlugin,
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'test',
                    url: server.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: server.token,
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          bluegreen: { watchCache: false },
        },
      }),
    ],
  });
  try {
    const ref = `component:default/${entity.metadata.name}`;
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/bluegreen/state?entityRef=${encodeURIComponent(
        ref,
      )}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as BlueGreenStateResponse;
    expect(body.clusters).toHaveLength(1);
    return body.clusters[0];
  } finally {
    await backend.stop();
  }
}

function entityFrom(files: File[]): Entity {
  const entity = yaml.load(
    files.find(f => f.path === 'catalog-info.yaml')!.content,
  ) as Entity;
  return { ...entity, metadata: { namespace: 'default', ...entity.metadata } };
}

const affinityRules = (state: ClusterBlueGreenState) =>
  state.routes
    .filter(r => r.classifications.some(c => c.endsWith('affinity')))
    .map(r => ({
      vs: r.virtualService,
      protocol: r.protocol,
      callers: r.matches.flatMap(m => (m.sourceLabels ? [m.sourceLabels] : [])),
      to: r.destinations.map(d => d.subset),
    }));

describe('round trip: template dry-run → Kubernetes API → blue/green state', () => {
  let kube: KubeTestServer;

  beforeAll(async () => {
    kube = await startKubeTestServer({ port: 0 });
  });

  afterAll(async () => {
    await kube?.close();
  });

  it('renders pii-demo (web + MySQL, colour hosts, round robin, affinity) and the state shows exactly that', async () => {
    const files = await dryRun({
      name: 'pii-demo',
      description: 'Apache/PHP and MySQL',
      owner: 'group:default/pii-team',
      domain: 'apps.hl.test',
      image: 'lisenet/httpd-pii-demo:0.2',
      port: 80,
      protocol: 'http',
      replicas: 1,
      colours: ['blue', 'green'],
      colourHosts: true,
      meshAffinity: true,
      sharedHost: 'round-robin',
      istioApiVersion: 'v1beta1',
      withDatabase: true,
      database: { name: 'mysql-server', image: 'mysql:8.0', port: 3306 },
      repoUrl: 'github.com?owner=acme&repo=pii-demo',
    });
    const tierFiles = (tier: string) =>
      [
        'deployment-blue',
        'deployment-green',
        'service',
        'destinationrule',
        'virtualservice',
      ].map(f => `k8s/${tier}/${f}.yaml`);
    expect(files.map(f => f.path).sort()).toEqual(
      [
        'README.md',
        'catalog-info.yaml',
        'k8s/gateway.yaml',
        'k8s/kustomization.yaml',
        'k8s/namespace.yaml',
        ...tierFiles('pii-demo'),
        ...tierFiles('mysql-server'),
      ].sort(),
    );

    const entity = entityFrom(files);
    expect(entity.metadata.annotations).toEqual({
      'bluegreen/istio-hosts': 'pii-demo.apps.hl.test, mysql-server',
      'backstage.io/kubernetes-id': 'pii-demo',
      'backstage.io/kubernetes-namespace': 'pii-demo',
      'backstage.io/kubernetes-label-selector':
        'app in (pii-demo,mysql-server)',
    });
    expect(entity.spec?.owner).toBe('group:default/pii-team');

    await createAll(kube, files, 'k8s');
    const pods = await readyPods(kube, 'pii-demo');
    expect(pods).toHaveLength(4);
    expect(pods.every(p => p.ready)).toBe(true);

    const state = await stateOf(kube, entity);
    expect(state.findings).toEqual([]);
    expect(state.namespace).toBe('pii-demo');
    expect(
      state.colours.map(c => ({
        name: c.name,
        hosts: c.hosts,
        tiers: c.tiers.map(t => `${t.service} ${t.readyPods}/${t.totalPods}`),
      })),
    ).toEqual([
      {
        name: 'blue',
        hosts: ['pii-demo-blue.apps.hl.test'],
        tiers: ['pii-demo 1/1', 'mysql-server 1/1'],
      },
      {
        name: 'green',
        hosts: ['pii-demo-green.apps.hl.test'],
        tiers: ['pii-demo 1/1', 'mysql-server 1/1'],
      },
    ]);
    expect(
      state.splits.map(s => ({
        host: s.host,
        mode: s.mode,
        via: s.viaGateways,
        percents: s.destinations.map(d => [d.colour, d.percent]),
      })),
    ).toEqual([
      {
        host: 'pii-demo.apps.hl.test',
        mode: 'round-robin',
        via: ['pii-demo-gateway'],
        percents: [
          ['blue', 50],
          ['green', 50],
        ],
      },
    ]);
    expect(state.activeColour).toBeNull();
    expect(affinityRules(state)).toEqual([
      {
        vs: 'pii-demo/pii-demo',
        protocol: 'http',
        callers: [{ version: 'blue' }],
        to: ['blue'],
      },
      {
        vs: 'pii-demo/pii-demo',
        protocol: 'http',
        callers: [{ version: 'green' }],
        to: ['green'],
      },
      {
        vs: 'pii-demo/mysql-server',
        protocol: 'tcp',
        callers: [{ version: 'blue' }],
        to: ['blue'],
      },
      {
        vs: 'pii-demo/mysql-server',
        protocol: 'tcp',
        callers: [{ version: 'green' }],
        to: ['green'],
      },
    ]);
  });

  it('renders myapp (v1/v2 weighted 100/0, no colour hosts, no affinity) and the state shows v1 active', async () => {
    const files = await dryRun({
      name: 'myapp',
      owner: 'group:default/web-team',
      domain: 'example.com',
      image: 'janakiramm/myapp:v1',
      port: 80,
      protocol: 'http',
      replicas: 2,
      colours: ['v1', 'v2'],
      colourHosts: false,
      meshAffinity: false,
      sharedHost: 'weighted',
      weights: [100, 0],
      istioApiVersion: 'v1',
      withDatabase: false,
      repoUrl: 'github.com?owner=acme&repo=myapp',
    });
    const entity = entityFrom(files);
    expect(entity.metadata.annotations?.['bluegreen/istio-hosts']).toBe(
      'myapp.example.com',
    );
    await createAll(kube, files, 'k8s');
    const pods = await readyPods(kube, 'myapp');
    expect(pods.filter(p => p.ready)).toHaveLength(4);

    const state = await stateOf(kube, entity);
    expect(state.findings).toEqual([]);
    expect(state.colours.map(c => [c.name, c.hosts, c.readyPods])).toEqual([
      ['v1', [], 2],
      ['v2', [], 2],
    ]);
    expect(
      state.splits.map(s => ({
        host: s.host,
        mode: s.mode,
        weights: s.destinations.map(d => [d.colour, d.weight, d.percent]),
      })),
    ).toEqual([
      {
        host: 'myapp.example.com',
        mode: 'weighted',
        weights: [
          ['v1', 100, 100],
          ['v2', 0, 0],
        ],
      },
    ]);
    expect(state.activeColour).toBe('v1');
    expect(affinityRules(state)).toEqual([]);
  });
});
