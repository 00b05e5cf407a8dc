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
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import bluegreenPlugin from '@bluegreen-istio/plugin-bluegreen-backend';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import bluegreenScaffolderModule from './index';
import { demoScenario, templateValuesOf } from './__testUtils__/demoScenarios';

/*
 * The whole way a platform team takes: the "Blue/green service on Istio" template goes through
 * the scaffolder's real dry-run (POST /v2/dry-run, every step, publish and register skipped as in
 * any dry-run); the manifests it wrote are created on the Kubernetes API test server over HTTP;
 * the catalog-info.yaml it wrote is the entity the blue/green plugin's state API is asked about.
 * The template is answered from a demo scenario (its YAML and catalog entity), and what the state
 * API says of the rendered service must be what it says of the scenario itself.
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

/**
 * What a user sees of a blue/green state, whatever the objects are called: the template names the
 * web tier after the service, where a hand-written scenario may not (pii-demo's httpd-server).
 */
function behaviour(state: ClusterBlueGreenState) {
  return {
    findings: state.findings.map(f => f.code),
    colours: state.colours.map(c => ({
      name: c.name,
      hosts: c.hosts,
      tiers: c.tiers.map(t => `${t.readyPods}/${t.totalPods} ready`),
    })),
    splits: state.splits.map(s => ({
      host: s.host,
      mode: s.mode,
      via: s.viaGateways,
      shares: s.destinations.map(d => [d.colour, d.weight, d.percent]),
    })),
    activeColour: state.activeColour,
    affinity: state.routes
      .filter(r => r.classifications.some(c => c.endsWith('affinity')))
      .map(r => ({
        protocol: r.protocol,
        callers: r.matches.flatMap(m =>
          m.sourceLabels ? [m.sourceLabels] : [],
        ),
        to: r.destinations.map(d => d.subset),
      })),
  };
}

describe('round trip: template dry-run → Kubernetes API → blue/green state', () => {
  let kube: KubeTestServer;
  let demo: KubeTestServer;

  beforeAll(async () => {
    kube = await startKubeTestServer({ port: 0 });
    demo = await startKubeTestServer({
      port: 0,
      scenarioDirs: [SCENARIOS_DIR],
    });
  });

  afterAll(async () => {
    await kube?.close();
    await demo?.close();
  });

  it.each(['pii-demo', 'myapp'] as const)(
    "renders %s from its scenario, and the state of the rendered service is the scenario's",
    async name => {
      const scenario = demoScenario(name);
      const files = await dryRun(templateValuesOf(scenario));
      const entity = entityFrom(files);
      const annotation = (e: Entity, key: string) =>
        e.metadata.annotations?.[key];
      for (const key of [
        'bluegreen/istio-hosts',
        'backstage.io/kubernetes-namespace',
      ]) {
        expect(annotation(entity, key)).toBe(annotation(scenario.entity, key));
      }
      expect(entity.spec?.owner).toBe(scenario.entity.spec?.owner);

      await createAll(kube, files, 'k8s');
      const pods = await readyPods(kube, name);
      expect(pods.every(p => p.ready)).toBe(true);

      const rendered = await stateOf(kube, entity);
      const original = await stateOf(demo, scenario.entity);
      expect(original.colours.length).toBeGreaterThan(1);
      expect(behaviour(rendered)).toEqual(behaviour(original));
    },
  );

  it('writes one folder per tier of a two-tier service, with the Gateway and kustomization', async () => {
    const files = await dryRun({
      ...templateValuesOf(demoScenario('pii-demo')),
      name: 'shop',
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
        ...tierFiles('shop'),
        ...tierFiles('mysql-server'),
      ].sort(),
    );
    expect(entityFrom(files).metadata.annotations).toEqual({
      'bluegreen/istio-hosts': 'shop.apps.hl.test, mysql-server',
      'backstage.io/kubernetes-id': 'shop',
      'backstage.io/kubernetes-namespace': 'shop',
      'backstage.io/kubernetes-label-selector': 'app in (shop,mysql-server)',
    });
  });
});
