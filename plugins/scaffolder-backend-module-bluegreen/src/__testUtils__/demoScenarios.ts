/*
 * The demo scenarios the templates mirror, read from where they are defined: the YAML the
 * Kubernetes API test server is seeded with and the catalog entities of examples/entities.yaml.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ISTIO_HOSTS,
  ANNOTATION_KUBERNETES_NAMESPACE,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeObject,
  SCENARIOS_DIR,
  parseManifests,
} from '@internal/kube-test-server';
import yaml from 'js-yaml';

// Tests run from source, so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
const EXAMPLE_ENTITIES = resolve(
  __dirname,
  '../../../../examples/entities.yaml',
);

export interface DemoScenario {
  manifests: KubeObject[];
  /** The catalog entity showing the scenario. */
  entity: Entity;
}

export function demoScenario(name: 'pii-demo' | 'myapp'): DemoScenario {
  const file = join(SCENARIOS_DIR, `${name}.yaml`);
  const manifests = parseManifests(readFileSync(file, 'utf8'), file);
  const namespace = manifests.find(m => m.kind === 'Namespace')?.metadata.name;
  const entity = (
    yaml.loadAll(readFileSync(EXAMPLE_ENTITIES, 'utf8')) as Entity[]
  ).find(
    e =>
      e?.metadata.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE] === namespace,
  );
  if (!entity) {
    throw new Error(
      `${EXAMPLE_ENTITIES} shows no scenario in namespace ${namespace}`,
    );
  }
  return {
    manifests,
    entity: {
      ...entity,
      metadata: { namespace: 'default', ...entity.metadata },
    },
  };
}

interface Spec {
  hosts?: string[];
  host?: string;
  selector?: Record<string, string>;
  ports?: { name?: string; port: number }[];
  http?: {
    match?: { sourceLabels?: unknown }[];
    route?: { destination: { host: string }; weight?: number }[];
  }[];
  subsets?: { name: string; labels: Record<string, string> }[];
  replicas?: number;
  template?: {
    metadata: { labels: Record<string, string> };
    spec: { containers: { image: string }[] };
  };
}

const specOf = (object: KubeObject) => object.spec as Spec;

/**
 * The answers to the "Blue/green service on Istio" template that describe the scenario: its
 * domain, the web tier's image, port, protocol and pods per colour, its colours, whether it has
 * colour hosts and in-mesh affinity, how the shared host splits, and its database tier. The
 * template gives every colour the same image, so only the first colour's is kept.
 */
export function templateValuesOf({ manifests, entity }: DemoScenario) {
  const of = (kind: string) => manifests.filter(m => m.kind === kind);
  const named = (kind: string, name: string) => {
    const found = of(kind).find(m => m.metadata.name === name);
    if (!found) throw new Error(`the scenario has no ${kind} ${name}`);
    return found;
  };
  const deploymentsOf = (service: KubeObject) =>
    of('Deployment').filter(d =>
      Object.entries(specOf(service).selector ?? {}).every(
        ([key, value]) => specOf(d).template?.metadata.labels[key] === value,
      ),
    );
  const [sharedHost, databaseHost] = parseAnnotationList(
    entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS],
  );
  const webVs = of('VirtualService').find(vs =>
    specOf(vs).hosts?.includes(sharedHost),
  )!;
  const rules = specOf(webVs).http ?? [];
  const web = named('Service', rules[0].route![0].destination.host);
  const webDeployment = deploymentsOf(web)[0];
  const [webPort] = specOf(web).ports ?? [];
  const sharedRoute = rules[rules.length - 1].route ?? [];
  const weighted = sharedRoute.some(r => r.weight !== undefined);
  const database = databaseHost ? named('Service', databaseHost) : undefined;
  return {
    name: entity.metadata.name,
    description: entity.metadata.description,
    owner: entity.spec?.owner,
    domain: sharedHost.slice(sharedHost.indexOf('.') + 1),
    image: specOf(webDeployment).template!.spec.containers[0].image,
    port: webPort.port,
    protocol: (webPort.name ?? 'http').split('-')[0],
    replicas: specOf(webDeployment).replicas ?? 1,
    colours: (
      specOf(named('DestinationRule', web.metadata.name!)).subsets ?? []
    ).map(s => s.name),
    colourHosts: (specOf(webVs).hosts ?? []).some(
      h => h !== sharedHost && h !== web.metadata.name,
    ),
    meshAffinity: rules.some(r => r.match?.some(m => m.sourceLabels)),
    sharedHost: weighted ? 'weighted' : 'round-robin',
    ...(weighted && { weights: sharedRoute.map(r => r.weight ?? 0) }),
    istioApiVersion: (webVs.apiVersion ?? '').split('/')[1],
    withDatabase: Boolean(database),
    ...(database && {
      database: {
        name: database.metadata.name,
        image: specOf(deploymentsOf(database)[0]).template!.spec.containers[0]
          .image,
        port: specOf(database).ports![0].port,
      },
    }),
    repoUrl: `github.com?owner=acme&repo=${entity.metadata.name}`,
  };
}
